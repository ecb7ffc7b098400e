"""`berdaya targeting score [--region CODE]`: compute welfare score, desil and priority for every active household
of the region (the desil ranked within it), now, in this process."""

from django.core.management.base import BaseCommand, CommandError

from berdaya.core.errors import ApplicationError
from berdaya.targeting import services


class Command(BaseCommand):
    help = "Hitung skor kesejahteraan, desil dan prioritas semua keluarga aktif di satu wilayah."

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", help="Kode wilayah (kosong: semua). Desil diperingkat di dalamnya.")

    def handle(self, *args, region="", **options):
        def echo(stage, done, total):
            if self.verbosity >= 2:
                self.stdout.write(f"{stage}: {done:,}" + (f" / {total:,}" if total else ""))

        try:
            run = services.scoring_run_now(region_code=region.strip(), actor=None)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        if run is None:
            raise CommandError("scoring run was taken by another process")
        self.stdout.write(f"{run.households:,} keluarga dihitung dalam {run.seconds:.1f} s "
                          f"(model skor v{run.score_model.version}, wilayah {run.region_id or 'semua'}).")
