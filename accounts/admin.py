from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import User


@admin.register(User)
class KechuangUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "role", "region", "organization", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = UserAdmin.fieldsets + (("平台角色", {"fields": ("role", "region", "organization")}),)
    raw_id_fields = ["organization"]
