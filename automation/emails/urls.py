app_name = "emails"

urlpatterns = []
