from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "berdaya.demo"
    label = "demo"
