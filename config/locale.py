"""Language choice: Chinese unless the user picked another language with the footer switch."""

from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    """Activate the language in the switch cookie, else zh-hans; browsers' Accept-Language is ignored."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.allowed = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.allowed else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # Scoped to this request: a plain activate() would leave the language set on the thread for whatever
        # runs next on it (the next request of a threaded server, the next test).
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
