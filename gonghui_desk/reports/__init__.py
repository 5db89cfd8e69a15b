"""The summary report wizard's core (工作总结 / 工作报告): periods, the sections each module offers, the
figures behind every statement, and building a :class:`~gonghui_desk.documents.Document` from them.
No Qt here: the wizard, the command line and the benchmark call the same functions."""
