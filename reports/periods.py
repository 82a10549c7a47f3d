"""The period type lives in `cms.periods`; this name stays only for `reports.signal_handlers`,
which another change is rewriting (drop it once that module imports `cms.periods`)."""

from cms.periods import Period, add_months, first_of_month, last_of_month

__all__ = ["Period", "add_months", "first_of_month", "last_of_month"]
