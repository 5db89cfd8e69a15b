"""Filling the upstream union's own form (填写上级表格): open the .xlsx/.xls form the upstream union sent, find
its header, match its columns to fields, choose the records (the roster with a filter, a campaign's
recipients, the hardship register, a session's proposals…) and write them into a copy that keeps the form's
look. No Qt here; the wizard and ``gonghui-desk fill`` both use this API.

* :mod:`~gonghui_desk.form_fill.layout` reads the form (:class:`FormLayout`, :class:`FormColumn`);
* :mod:`~gonghui_desk.form_fill.fields` and :mod:`~gonghui_desk.form_fill.sources` are the fields, their header
  spellings and the record sources (:class:`RecordSource`, :class:`SourceParam`, :func:`sources`);
* :mod:`~gonghui_desk.form_fill.mappings` stores named mappings (:class:`SavedMapping`);
* :mod:`~gonghui_desk.form_fill.writer` writes the copy;
* :mod:`~gonghui_desk.form_fill.fill` is the top-level API (:func:`inspect_form`, :func:`propose_mapping`,
  :func:`compare_with_saved`, :func:`mapping_from_saved`, :func:`fill_form`).
"""

from gonghui_desk.form_fill.fill import (FillResult, FormMapping, HeaderChange, compare_with_saved, fill_form,
                                         inspect_form, mapping_from_saved, mapping_lines, numbers_mapped,
                                         output_path, preview_rows, propose_mapping, save_form_mapping, saved_from,
                                         unmatched_columns)
from gonghui_desk.form_fill.layout import FormColumn, FormLayout
from gonghui_desk.form_fill.mappings import SavedMapping, get_mapping, list_mappings, save_mapping, void_mapping
from gonghui_desk.form_fill.sources import RecordSource, SourceParam, get_source, sources

__all__ = ["FillResult", "FormColumn", "FormLayout", "FormMapping", "HeaderChange", "RecordSource", "SavedMapping",
           "SourceParam", "compare_with_saved", "fill_form", "get_mapping", "get_source", "inspect_form",
           "list_mappings", "mapping_from_saved", "mapping_lines", "numbers_mapped", "output_path", "preview_rows",
           "propose_mapping", "save_form_mapping", "save_mapping", "saved_from", "sources", "unmatched_columns", "void_mapping"]
