from django import template

from berdaya.core import formatting
from berdaya.core.identity import mask_name, mask_number

register = template.Library()

register.filter("rupiah", formatting.rupiah)
register.filter("date_long", formatting.date_long)
register.filter("date_short", formatting.date_short)
register.filter("mask_number", mask_number)
register.filter("mask_name", mask_name)

