"""Questions and answers (the guide's section 12): content kept as data, per language."""

from __future__ import annotations

from collections.abc import Sequence

from domain.errors import FaqEntryNotFound
from domain.model import FaqEntry
from domain.ports import UnitOfWork


async def questions(uow: UnitOfWork, locale: str, fallback: str) -> Sequence[FaqEntry]:
    """The questions in the resident's language, or in the default one where none exist."""
    return await uow.faq.entries(locale) or await uow.faq.entries(fallback)


async def answer(uow: UnitOfWork, entry_id: int) -> FaqEntry:
    entry = await uow.faq.entry(entry_id)
    if entry is None:
        raise FaqEntryNotFound(entry_id)
    return entry
