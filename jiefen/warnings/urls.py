app_name = "warnings"

urlpatterns: list = []
