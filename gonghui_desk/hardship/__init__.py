"""Hardship files (困难职工档案, one per household and period) and aid (帮扶救助, 金秋助学…).

``files``: a household's file, its family members, yearly reviews and its life cycle
(建档 → 年度复核 → 脱困/注销, reopened as a new period); ``aid``: payments with their stages
(申请 → 审核 → 发放), rules and the aid ledger counted by 户, 人 and 人次.
"""
