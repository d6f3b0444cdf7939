"""The shared number formats (hub.formatting) and the template pieces built on them."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from hub import formatting

NBSP = "\u00a0"


def render(source: str, **context) -> str:
    return Template("{% load formatting %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "value", "euro", "money"),
    [
        ("it", D("3.2"), "3,20", f"3,20{NBSP}€"),
        ("it", D("-31.97"), "-31,97", f"-31,97{NBSP}€"),
        ("it", D("1234.5"), "1.234,50", f"1.234,50{NBSP}€"),
        ("it", D("1.125"), "1,125", f"1,125{NBSP}€"),
        ("en", D("1234.5"), "1,234.50", f"1,234.50{NBSP}€"),
    ],
)
def test_euro_and_money(language, value, euro, money):
    with translation.override(language):
        assert formatting.euro(value) == euro
        assert formatting.money(value) == money


def test_quantities_have_no_grouping_and_no_trailing_zeros():
    with translation.override("it"):
        assert formatting.quantity(D("1500.000")) == "1500"
        assert formatting.quantity(D("5.400")) == "5,4"
        assert formatting.quantity_with_unit(D("0.250"), "kg") == f"0,25{NBSP}kg"
    assert formatting.quantity(None) == formatting.euro(None) == formatting.money(None) == ""


def test_money_and_qty_unit_keep_the_number_and_its_unit_on_one_line():
    with translation.override("it"):
        page = render(
            "{{ total|money }} {{ price|money:unit }} {{ amount|qty_unit:unit }} [{{ no|money }}]",
            total=D("1234.5"),
            price=D("2.1"),
            amount=D("1.5"),
            unit="kg",
            no=None,
        )
    assert page == (
        f'<span class="hub-num">1.234,50{NBSP}€</span> '
        f'<span class="hub-num">2,10{NBSP}€/kg</span> '
        f'<span class="hub-num">1,5{NBSP}kg</span> []'
    )


def test_the_unit_is_escaped():
    assert "<b>" not in render("{{ 1|qty_unit:unit }}", unit="<b>")


def test_table_box_is_a_labelled_focusable_scroll_region():
    with translation.override("it"):
        page = render('{% table_box _("Movimenti") %}<table></table>{% endtable_box %}')
    assert page == (
        '<div class="hub-table-box" role="region" aria-label="Movimenti" tabindex="0">'
        "<table></table></div>"
    )
    assert 'aria-label="a &amp; b"' in render(
        "{% table_box label %}{% endtable_box %}", label="a & b"
    )
    with pytest.raises(TemplateSyntaxError):
        render("{% table_box %}{% endtable_box %}")
