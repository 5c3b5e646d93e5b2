"""Every window of every dialog renders from its preview data, in both languages, without a
bot or a database: a missing text or a text that asks for a value the window does not give
fails here."""

from __future__ import annotations

import pytest
from aiogram_dialog.setup import collect_dialogs
from aiogram_dialog.tools.preview import FakeManager
from aiogram_dialog.widgets.data.data_context import StaticGetter
from aiogram_i18n import I18nContext

from bot.app import build_dispatcher
from bot.locale import ResidentLocaleManager
from rendering.texts import TextCore
from tests.conftest import FakeClock


def our_dialogs(dp):
    return [d for d in collect_dialogs(dp) if d.states_group().__module__ == "dialogs.states"]


@pytest.fixture(scope="module")
def dialogs():
    from bot.config import Settings
    from storage.database import Database

    settings = Settings(_env_file=None, bot_token=None)
    return our_dialogs(build_dispatcher(settings, Database("sqlite+aiosqlite://"), mailer=None))


@pytest.mark.parametrize("locale", ["ru", "en"])
async def test_every_window_renders_from_its_preview_data(dialogs, locale, logged_errors):
    core = TextCore("ru")
    await core.startup()
    manager = FakeManager()
    manager.middleware_data.update(
        i18n=I18nContext(locale, core, ResidentLocaleManager("ru"), {}), clock=FakeClock()
    )
    rendered, failed = {}, {}
    for dialog in dialogs:
        manager.set_dialog(dialog)
        for state in dialog.states_group().__states__:
            manager.set_state(state)
            try:
                rendered[state.state] = (await manager.show_raw()).text
            except Exception as error:
                failed[state.state] = str(error.__cause__ or error).strip().splitlines()[-1]
    assert "\n".join(f"{s}: {e}" for s, e in sorted(failed.items())) == ""
    assert all(text.strip() for text in rendered.values())
    assert len(rendered) == sum(len(d.states_group().__states__) for d in dialogs) > 40


def _selectors() -> dict[str, set[str]]:
    """Each variable a Fluent selector matches on, with the names of its variants, in both
    languages' texts."""
    from pathlib import Path

    from fluent.syntax import FluentParser, ast
    from fluent.syntax.visitor import Visitor

    found: dict[str, set[str]] = {}

    class Selectors(Visitor):
        def visit_SelectExpression(self, node: ast.SelectExpression) -> None:
            if isinstance(node.selector, ast.VariableReference):
                names = found.setdefault(node.selector.id.name, set())
                names.update(v.key.name for v in node.variants if isinstance(v.key, ast.Identifier))
            self.generic_visit(node)

    for path in sorted((Path(__file__).parents[1] / "locales").glob("*/*.ftl")):
        Selectors().visit(FluentParser().parse(path.read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("locale", ["ru", "en"])
async def test_every_selector_branch_of_every_window_renders(dialogs, locale, logged_errors):
    """Each window once per variant of every selector its preview data feeds: a branch no
    preview shows still renders, and a value that a selector matches is a string (Python's
    True never matches a [true] or [yes] variant, so a bool there is always the default)."""
    core = TextCore("ru")
    await core.startup()
    manager = FakeManager()
    manager.middleware_data.update(
        i18n=I18nContext(locale, core, ResidentLocaleManager("ru"), {}), clock=FakeClock()
    )
    selectors = _selectors()
    rendered, failed = 0, []
    for dialog in dialogs:
        manager.set_dialog(dialog)
        for state, window in dialog.windows.items():
            manager.set_state(state)
            preview = window.getter.preview_getter
            data = dict(getattr(preview, "data", {}))
            for key, value in data.items():
                if key not in selectors:
                    continue
                if isinstance(value, bool):
                    failed.append(f"{state.state}: {key} is a bool where a selector matches")
                    continue
                if not isinstance(value, str):
                    continue  # a number: plural categories, chosen by the number
                # "other" is the catch-all a number or an amount falls to: it is rendered
                # by the preview's own value.
                for variant in sorted(selectors[key] - {"other"}):
                    window.getter.preview_getter = StaticGetter({**data, key: variant})
                    try:
                        text = (await manager.show_raw()).text
                    except Exception as error:
                        cause = str(error.__cause__ or error).strip().splitlines()[-1]
                        failed.append(f"{state.state}: {key}={variant}: {cause}")
                    else:
                        rendered += 1
                        if not text.strip() or "{$" in text or "{???}" in text:
                            failed.append(f"{state.state}: {key}={variant}: {text[:60]!r}")
                    finally:
                        window.getter.preview_getter = preview
    assert "\n".join(failed) == ""
    print(f"\n{locale}: {rendered} selector branches rendered")
    assert rendered > 100


def test_every_window_can_say_what_it_wants_instead_of_a_message(dialogs):
    """Text typed on a window that wants a button is answered with a hint, shown by the
    window's Notice (dialogs.widgets.Dialog); a window without one would say nothing."""
    from dialogs.widgets import Notice

    def notices(text) -> bool:
        return isinstance(text, Notice) or any(notices(t) for t in getattr(text, "texts", ()))

    silent = [
        state.state
        for dialog in dialogs
        for state, window in dialog.windows.items()
        if not notices(window.text)
    ]
    assert silent == []
