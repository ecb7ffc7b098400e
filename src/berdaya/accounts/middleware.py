from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    """Indonesian first: a logged-in user's saved language, else the language cookie, else Indonesian.

    Unlike Django's LocaleMiddleware it never follows the browser's Accept-Language, so an office PC set up in
    English still opens Berdaya in Bahasa Indonesia.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supported = dict(settings.LANGUAGES)
        lang = None
        if request.user.is_authenticated:
            lang = request.user.language
        if lang not in supported:
            lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if lang not in supported:
            lang = settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        patch_vary_headers(response, ("Cookie",))
        return response
