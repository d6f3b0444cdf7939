"""The pure rules: word-by-word differences, snapshots, mentions and the status machine."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tables import diff, mentions, versions, workflow
from tables.models import ProposalStatus as S


@given(st.text(max_size=200), st.text(max_size=200))
def test_the_pieces_rebuild_both_texts(old, new):
    pieces = diff.word_diff(old, new)
    assert "".join(text for kind, text in pieces if kind != "insert") == old
    assert "".join(text for kind, text in pieces if kind != "delete") == new


@given(st.text(alphabet="<>&\"' ab", max_size=60), st.text(alphabet="<>&\"' ab", max_size=60))
def test_the_html_escapes_every_piece_of_text(old, new):
    html = str(diff.render(diff.word_diff(old, new)))
    stripped = html.replace("<ins>", "").replace("</ins>", "").replace("<del>", "")
    stripped = stripped.replace("</del>", "")
    assert "<" not in stripped and ">" not in stripped and '"' not in stripped


def test_words_not_letters_are_compared():
    html = str(
        diff.render(diff.word_diff("Due linee, tre fermate.", "Due linee, quattro fermate."))
    )
    assert html == "Due linee, <del>tre</del><ins>quattro</ins> fermate."


def snapshot(**changes):
    values = {
        "title": "Pedibus",
        "summary": "",
        "body": "Testo",
        "area": (1, "Ambiente e sport"),
        "age_bands": [(2, "6–10 anni")],
        "municipalities": [(5, "Bruino"), (3, "Beinasco")],
        "partner_associations": [],
        "budget_estimate": Decimal("1200.5"),
    }
    values.update(changes)
    return versions.make_snapshot(**values)


def test_fields_are_compared_too_and_list_order_is_no_change():
    old = snapshot()
    assert versions.same_content(old, snapshot(municipalities=[(3, "Beinasco"), (5, "Bruino")]))
    new = snapshot(budget_estimate=Decimal("900"), age_bands=[])
    changed = {c.key for c in diff.compare(old, new) if c.changed}
    assert changed == {"budget_estimate", "age_bands"}
    assert versions.field_text(old, "municipalities") == "Beinasco, Bruino"
    assert versions.ids(old, "municipalities") == [3, 5]


def test_mentions_take_the_longest_name_and_ignore_case():
    names = {"Anna": 1, "Anna Maria": 2, "Luca": 3}
    assert mentions.mentioned("Ciao @anna maria e @Luca!", names) == {2, 3}
    assert mentions.mentioned("Ciao @Annamaria", names) == set()
    assert mentions.mentioned("scrivi a luca@example.org", names) == set()


@pytest.mark.parametrize("status", S.values)
def test_every_refused_move_names_what_is_allowed(status):
    for target in S.values:
        if target in workflow.allowed_next(status) and target not in workflow.DECIDED:
            workflow.check_transition(status, target)
            continue
        with pytest.raises(workflow.TransitionError) as refused:
            workflow.check_transition(status, target)
        message = str(refused.value)
        if target in workflow.allowed_next(status):
            assert "decisione del tavolo" in message
        elif workflow.allowed_next(status):
            assert all(workflow.label(a) in message for a in workflow.allowed_next(status))
        else:
            assert "non può più cambiare stato" in message


def test_decided_statuses_come_with_a_decision_only():
    workflow.check_transition(S.SUBMITTED, S.APPROVED, by_decision=True)
    with pytest.raises(workflow.TransitionError):
        workflow.check_transition(S.DISCUSSION, S.APPROVED, by_decision=True)
