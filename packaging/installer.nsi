; 基层工会工作台 — the Windows setup file (NSIS 3, Unicode).
;
; Installs for the current user only (no administrator rights) into %LOCALAPPDATA%\Programs\gonghui-desk,
; with a Start-menu and a desktop shortcut and an entry in 设置 → 应用. Installing again upgrades in place.
; The user's data lives elsewhere (%LOCALAPPDATA%\gonghui-desk: the database and its backups folder) and is
; never touched: neither an upgrade nor the uninstaller deletes anything there.
;
; Built from the PyInstaller folder (README: Building the installer):
;   makensis /DVERSION=0.1.0 packaging\installer.nsi
; Optional: /DSOURCE=<the dist\gonghui-desk folder> /DICON=<.ico> /DOUTFILE=<setup .exe>

; 64-bit like the app it installs (PySide6 6 runs on 64-bit Windows 10 and later).
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma

!include "MUI2.nsh"
!include "LogicLib.nsh"

!ifndef VERSION
  !error "Give the version: makensis /DVERSION=0.1.0 packaging\installer.nsi"
!endif
!ifndef SOURCE
  !define SOURCE "..\dist\gonghui-desk"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\gonghui-desk-setup-${VERSION}.exe"
!endif
!ifndef ICON
  !define ICON "..\build\build\gonghui-desk.ico"
!endif

!define APP_ID "gonghui-desk"
!define APP_TITLE "基层工会工作台"
!define APP_EXE "gonghui-desk.exe"
!define CLI_EXE "gonghui-desk-cli.exe"
!define SETTINGS_KEY "Software\gonghui-desk"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\gonghui-desk"
; The app holds this named mutex while it runs (gonghui_desk/ui/single_instance.py, RUNNING_MUTEX_NAME).
!define RUNNING_MUTEX "gonghui-desk-running"

Name "${APP_TITLE}"
Caption "${APP_TITLE} ${VERSION} 安装"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP_ID}"
InstallDirRegKey HKCU "${SETTINGS_KEY}" "InstallDir"
BrandingText "${APP_TITLE} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIFileVersion "${VERSION}.0"
VIAddVersionKey /LANG=2052 "ProductName" "${APP_TITLE}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APP_TITLE} 安装程序"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "MIT License"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TEXT "将在本电脑上为当前用户安装 ${APP_TITLE} ${VERSION}，不需要管理员权限。$\r$\n$\r$\n如果已安装旧版本，将原地升级；您的数据库和备份保存在单独的数据文件夹中，升级和卸载都不会删除它们。$\r$\n$\r$\n请先关闭正在运行的 ${APP_TITLE}，然后点击“下一步”。"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "现在打开 ${APP_TITLE}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

; Wait until the app is closed: its files cannot be replaced or removed while it runs.
!macro WAIT_UNTIL_CLOSED
  check_running:
    System::Call 'kernel32::OpenMutexW(i 0x00100000, i 0, w "${RUNNING_MUTEX}") p .r0'
    ${If} $0 != 0
      System::Call 'kernel32::CloseHandle(p r0)'
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION \
        "${APP_TITLE} 正在运行。请先关闭它（已保存的数据不会丢失），再点击“重试”。" /SD IDCANCEL IDRETRY check_running
      Abort
    ${EndIf}
!macroend

Function .onInit
  SetShellVarContext current
  !insertmacro WAIT_UNTIL_CLOSED
FunctionEnd

; The program folder must not be the data folder (an uninstall there would leave a confusing mix).
Function .onVerifyInstDir
  ${If} $INSTDIR == "$LOCALAPPDATA\${APP_ID}"
    Abort
  ${EndIf}
FunctionEnd

Section "${APP_TITLE}" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; Upgrade in place: the previous version's program files go first, so no stale library is left behind.
  ; Only the program's own files are removed; the data folder is elsewhere and untouched.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  File /r "${SOURCE}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${APP_TITLE}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0
  CreateShortcut "$DESKTOP\${APP_TITLE}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0

  WriteRegStr HKCU "${SETTINGS_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${SETTINGS_KEY}" "Version" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_TITLE}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "gonghui-desk"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Function un.onInit
  SetShellVarContext current
  !insertmacro WAIT_UNTIL_CLOSED
FunctionEnd

; The uninstaller removes exactly what the setup put in place: never the data folder
; (%LOCALAPPDATA%\gonghui-desk with the database and backups), and never a folder it did not fill.
Section "Uninstall"
  Delete "$DESKTOP\${APP_TITLE}.lnk"
  Delete "$SMPROGRAMS\${APP_TITLE}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"  ; only if empty
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "${SETTINGS_KEY}"
SectionEnd
