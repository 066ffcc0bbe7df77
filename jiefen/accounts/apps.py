from django.apps import AppConfig


class Config(AppConfig):
    name = "jiefen.accounts"
    label = "accounts"
