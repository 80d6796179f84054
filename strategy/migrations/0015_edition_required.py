"""Every element, former path and tombstone has an edition (filled by 0014): required from now
on. A migration of its own: PostgreSQL cannot alter a table in the transaction that updated
its rows (pending trigger events)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('strategy', '0014_first_edition'),
    ]

    operations = [
        migrations.AlterField(
            model_name='deletedelement',
            name='edition',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tombstones', to='strategy.edition', verbose_name='utgave'),
        ),
        migrations.AlterField(
            model_name='elementpath',
            name='edition',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='former_paths', to='strategy.edition', verbose_name='utgave'),
        ),
        migrations.AlterField(
            model_name='strategyelement',
            name='edition',
            field=models.ForeignKey(editable=False, help_text='Settes fra det overordnede elementet.', on_delete=django.db.models.deletion.PROTECT, related_name='elements', to='strategy.edition', verbose_name='utgave'),
        ),
    ]
