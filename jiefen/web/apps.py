from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.web"
    label = "web"
