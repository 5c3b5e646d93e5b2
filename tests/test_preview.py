"""Every window of every dialog renders from its preview data, in both languages, without a
bot or a database: a missing text or a text that asks for a value the window does not give
fails here."""

from __future__ import annotations

import pytest
from aiogram_dialog.setup import collect_dialogs
from aiogram_dialog.tools.preview import FakeManager
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
