"""PLACEHOLDER — replaced by the member list view (being written now)."""

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class MembersView(QWidget):
    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        QVBoxLayout(self).addWidget(QLabel("会员名册"))

    def new_member(self):
        pass

    def start_import(self):
        pass

    def start_export(self):
        pass

    def download_template(self):
        pass
