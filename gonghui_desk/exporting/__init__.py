"""Spreadsheet exports: the shared table writer (:mod:`.xlsx`), the member roster and the blank
import template. Every export writes IDs and phone numbers as text, dates as real dates, and the
title / union / 制表人 lines that upstream unions expect (DOMAIN.md §5)."""
