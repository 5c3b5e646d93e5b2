"""The password policy, and passwords kept only as hashes from the moment they are read."""

from __future__ import annotations

import re

from domain.errors import InvalidInput, PasswordsDiffer
from domain.model import Profile
from domain.ports import PasswordHasher

MIN_LENGTH = 8
MAX_LENGTH = 128


def check_password(password: str) -> str:
    """At least 8 characters with digits and upper- and lower-case Latin letters."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput("password-short")
    if len(password) > MAX_LENGTH:
        raise InvalidInput("password-long")
    if not (
        re.search(r"\d", password)
        and re.search(r"[a-z]", password)
        and re.search(r"[A-Z]", password)
    ):
        raise InvalidInput("password-weak")
    return password


def looks_like_password(text: str) -> bool:
    """Text that could be a password under the policy: one word that passes it (a "/"
    before it, as a mistyped command, changes nothing)."""
    word = text.strip().removeprefix("/")
    if not word or any(char.isspace() for char in word):
        return False
    try:
        check_password(word)
    except InvalidInput:
        return False
    return True


def hash_new_password(hasher: PasswordHasher, password: str) -> str:
    """A new password is checked against the policy and kept only as its hash from then on,
    also while the conversation waits for the repeat."""
    return hasher.hash(check_password(password))


def hash_changed_password(hasher: PasswordHasher, profile: Profile, password: str) -> str:
    """A new password for the profile: by the policy, and not the one it has."""
    hashed = hash_new_password(hasher, password)
    if hasher.verify(profile.password_hash, password):
        raise InvalidInput("password-same")
    return hashed


def check_repeat(hasher: PasswordHasher, password_hash: str, repeat: str) -> None:
    if not hasher.verify(password_hash, repeat):
        raise PasswordsDiffer
