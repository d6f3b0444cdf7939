"""Date and time formats of the hub's languages (settings.FORMAT_MODULE_PATH).

Django's own formats read differently page by page: Italian "Lunedì 14 Settembre 2026 20:00"
with a leading zero on the day, English "Sept. 14, 2026, 8 p.m." (which, at the end of a
sentence, becomes "8 p.m.."), and "09/14/2026". These modules give each language one
shape, used by every `|date:"DATE_FORMAT"` and `formats.date_format(...)`; hub/dates.py
names them for Python code and templates. Input formats are Django's (not defined here).
"""
