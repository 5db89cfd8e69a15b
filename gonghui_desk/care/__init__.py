"""Care visits (慰问走访 / 五必访), their money rules, campaigns (送温暖…) and reminders.

``occasions``: the editable table of occasions and rule sets; ``visits``: recording a visit
and checking it against the rules; ``ledger``: the 慰问台账 queries and totals;
``campaigns``: batch visits with a sign-off sheet; ``reminders``: who should be visited.
"""

PAYMENT_FORMS = ("现金", "实物", "提货券", "蛋糕券", "购物卡")
FUND_SOURCES = ("本级工会经费", "上级工会补助", "行政", "捐款")
RELATIONS = ("本人", "配偶", "父母", "子女", "配偶父母", "其他亲属")
