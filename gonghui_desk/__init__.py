"""gonghui-desk (基层工会工作台): the core package.

Everything under ``gonghui_desk`` except ``gonghui_desk.ui`` is free of Qt, so the
command line, the tests and the GUI share one implementation of every rule.
"""

__version__ = "0.1.0"
APP_NAME = "gonghui-desk"
APP_TITLE = "基层工会工作台"
