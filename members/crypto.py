"""ID numbers at rest: Fernet encryption, and an HMAC blind index for exact search; also files holding them."""

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet() -> Fernet:
    key = settings.ID_NUMBER_ENCRYPTION_KEY
    if not key:
        raise ImproperlyConfigured("ID_NUMBER_ENCRYPTION_KEY is not set.")
    return Fernet(key.encode())


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("ID number cannot be decrypted with the configured key.") from exc


def encrypt_bytes(value: bytes) -> bytes:
    """Encrypt a file's content (a staged roster upload) with the ID-number key."""
    return _fernet().encrypt(value)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _fernet().decrypt(bytes(token))
    except InvalidToken as exc:
        raise ImproperlyConfigured("Staged file cannot be decrypted with the configured key.") from exc


def blind_index(value: str) -> str:
    """A keyed hash of a normalised ID number: equal numbers give equal indexes, nothing more."""
    key = settings.ID_NUMBER_INDEX_KEY
    if not key:
        raise ImproperlyConfigured("ID_NUMBER_INDEX_KEY is not set.")
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()
