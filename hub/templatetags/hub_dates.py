"""Dates in templates, as hub/dates.py writes them (Europe/Rome, one shape per language).

{% load hub_dates %}
{{ event.start|giorno }}        venerdì 11 dicembre 2026
{{ event.start|giorno_ora }}    venerdì 11 dicembre 2026, 18:00
{{ event.start|giorno_mese }}   venerdì 11 dicembre
{{ event.start|ora }}           18:00
{{ payment.paid_on|data }}      11/12/2026      (English: 11 Dec 2026)
{{ request.created_at|data_ora }} 11/12/2026, 18:00
"""

from django import template

from hub import dates

register = template.Library()

register.filter("giorno", dates.day)
register.filter("giorno_ora", dates.day_and_time)
register.filter("giorno_mese", dates.day_and_month)
register.filter("ora", dates.time_of_day)
register.filter("data", dates.short_date)
register.filter("data_ora", dates.short_date_and_time)
