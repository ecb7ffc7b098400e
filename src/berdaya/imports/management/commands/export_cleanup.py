"""`berdaya manage export_cleanup`: delete the files of expired registry exports (imports.services.exports_cleanup).

Run it daily (cron or a systemd timer) on a server; it also runs whenever someone starts a new export.
"""

from django.core.management.base import BaseCommand

from berdaya.imports import services


class Command(BaseCommand):
    help = "Hapus file ekspor registri yang sudah kedaluwarsa."

    def handle(self, *args, **options):
        deleted = services.exports_cleanup()
        self.stdout.write(f"{deleted} file ekspor dihapus.")
