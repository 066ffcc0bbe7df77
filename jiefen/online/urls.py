from django.urls import path

from . import views

app_name = "online"

urlpatterns = [
    path("case/<str:code>/open/", views.open_room, name="open"),
    path("join/<str:token>/", views.join, name="join"),
    path("room/<int:pk>/", views.room, name="room"),
    path("room/<int:pk>/poll/", views.poll, name="poll"),
    path("room/<int:pk>/send/", views.send, name="send"),
    path("room/<int:pk>/file/<int:message_id>/", views.file, name="file"),
    path("room/<int:pk>/invite/<int:participant_id>/", views.invite, name="invite"),
    path("room/<int:pk>/schedule/", views.schedule, name="schedule"),
    path("room/<int:pk>/agreement/", views.draft, name="draft"),
    path("room/<int:pk>/close/", views.close, name="close"),
    path("agreement/<int:pk>/", views.agreement, name="agreement"),
    path("agreement/<int:pk>/code/", views.sign_code, name="sign_code"),
    path("agreement/<int:pk>/sign/", views.sign, name="sign"),
    path("agreement/<int:pk>/pdf/", views.agreement_pdf, name="agreement_pdf"),
    path("agreement/<int:pk>/judicial/", views.judicial, name="judicial"),
    path("judicial/<int:pk>/pdf/", views.judicial_pdf, name="judicial_pdf"),
    path("judicial/<int:pk>/record/", views.judicial_record, name="judicial_record"),
    path("term/<int:pk>/performance/", views.performance, name="performance"),
    path("track/<str:code>/term/<int:pk>/", views.track_performance, name="track_performance"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
