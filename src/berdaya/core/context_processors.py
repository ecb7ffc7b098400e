from berdaya.core.permissions import Perm, has_perm


def navigation(request):
    user = getattr(request, "user", None)
    return {"nav_can_manage_users": has_perm(user, Perm.ACCOUNTS_MANAGE)}
