"""English: "Friday 11 December 2026, 18:00", the same order and 24-hour clock as the Italian
pages (never "Dec. 11, 2026, 6 p.m." nor "12/11/2026", which reads as 12 November in Italy)."""

DATE_FORMAT = "l j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "l j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1
