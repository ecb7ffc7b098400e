"""Person indexes: one (household, status, occupation) index instead of (household, status) plus the foreign key's
own index on the household, and no index on the status alone (person and its history).

Dropping an implicit index is an AlterField (db_index=False) for Django, which SQLite carries out by copying the whole
table — at a million people, minutes, and the copy loses the name-search triggers on registry_person. So the model
state changes as AlterField says, while the database only drops those indexes (found by their columns: their names
differ between databases, and PostgreSQL adds a `_like` twin for text columns).
"""

import django.db.models.deletion
from django.db import migrations, models

STATUS_CHOICES = [('alive', 'Hidup'), ('deceased', 'Meninggal'), ('moved_out', 'Pindah')]
# (model, the columns whose single-column indexes go)
DROPPED = (("person", ("household_id", "status")), ("historicalperson", ("status",)))


def drop_single_column_indexes(apps, schema_editor):
    connection = schema_editor.connection
    for model_name, columns in DROPPED:
        model = apps.get_model("registry", model_name)
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
        for name, info in sorted(constraints.items()):
            if (info["index"] and not info["unique"] and not info["primary_key"] and len(info["columns"]) == 1
                    and info["columns"][0] in columns):
                schema_editor.execute(schema_editor._delete_index_sql(model, name))


def create_single_column_indexes(apps, schema_editor):
    for model_name, columns in DROPPED:
        model = apps.get_model("registry", model_name)
        for field in model._meta.local_fields:
            if field.column in columns:
                schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))
                like = getattr(schema_editor, "_create_like_index_sql", None)
                statement = like(model, field) if like else None
                if statement is not None:
                    schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0003_alter_historicalhousehold_status_and_more'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='person',
            name='registry_pe_househo_54a0b5_idx',
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['household', 'status', 'occupation'], name='person_household_living'),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='historicalperson',
                    name='status',
                    field=models.CharField(choices=STATUS_CHOICES, default='alive', max_length=16,
                                           verbose_name='status'),
                ),
                migrations.AlterField(
                    model_name='person',
                    name='household',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name='members', to='registry.household',
                                            verbose_name='keluarga'),
                ),
                migrations.AlterField(
                    model_name='person',
                    name='status',
                    field=models.CharField(choices=STATUS_CHOICES, default='alive', max_length=16,
                                           verbose_name='status'),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_single_column_indexes, create_single_column_indexes),
            ],
        ),
    ]
