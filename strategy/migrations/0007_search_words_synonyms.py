"""Search that understands how people ask (compounds, synonyms, "Mente du …?", the Snowball
stemmer on SQLite):

- ``SearchWord``: the strategy's words, with their stems and compound parts, filled here from
  the elements and kept up to date on every save (strategy/signals.py); on PostgreSQL with a
  pg_trgm index for "Mente du …?".
- ``SynonymGroup`` (with history) and ``SynonymLink``, the rows search reads; the starting list
  of strategy/models/vocabulary.py.
- SQLite's FTS5 index now holds Snowball stems (strategy/search/schema.py).
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from strategy.models.vocabulary import install_starting_synonyms, word_row
from strategy.search import schema as search_schema


def stem_sqlite_index(apps, schema_editor):
    search_schema.stem_sqlite_index(schema_editor.connection)


def create_word_index(apps, schema_editor):
    search_schema.create_word_index(schema_editor.connection)


def drop_word_index(apps, schema_editor):
    search_schema.drop_word_index(schema_editor.connection)


def fill_words(apps, schema_editor):
    from strategy.search.language import words

    element_model = apps.get_model("strategy", "StrategyElement")
    word_model = apps.get_model("strategy", "SearchWord")
    found = {
        word
        for title, body in element_model.objects.values_list("title", "body")
        for word in words(f"{title} {body}")
        if len(word) <= 100
    }
    word_model.objects.bulk_create(
        [word_model(**word_row(word)) for word in sorted(found)], batch_size=500
    )


def starting_synonyms(apps, schema_editor):
    install_starting_synonyms(apps.get_model("strategy", "SynonymGroup"))


class Migration(migrations.Migration):

    dependencies = [
        ('strategy', '0006_search'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchWord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('word', models.CharField(max_length=100, unique=True, verbose_name='ord')),
                ('folded', models.CharField(max_length=200, verbose_name='uten æøå')),
                ('stem', models.CharField(max_length=100, verbose_name='stamme')),
                ('parts', models.CharField(blank=True, max_length=400, verbose_name='deler (stammer)')),
            ],
            options={
                'verbose_name': 'ord i strategien',
                'verbose_name_plural': 'ord i strategien',
            },
        ),
        migrations.CreateModel(
            name='SynonymGroup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('words', models.TextField(help_text='Ord folk søker med, skilt med komma, f.eks. «buss, tog, t-bane». Bøyde former teller med («bussen»).', verbose_name='søkeord')),
                ('finds', models.TextField(help_text='Ord fra strategien som et søk på søkeordene også skal finne, skilt med komma, f.eks. «kollektiv». Sammensatte ord som begynner med ordet teller med («kollektivtilbudet»).', verbose_name='finner også')),
                ('mutual', models.BooleanField(default=False, help_text='Kryss av når ordene betyr omtrent det samme: da finner hvert ord i begge feltene alle de andre (f.eks. «klimagass» og «utslipp»).', verbose_name='begge veier')),
                ('note', models.CharField(blank=True, help_text='Hvorfor gruppen finnes, f.eks. hvilke elementer den skal gjøre lettere å finne.', max_length=300, verbose_name='begrunnelse')),
            ],
            options={
                'verbose_name': 'synonymgruppe',
                'verbose_name_plural': 'synonymgrupper',
                'ordering': ['words'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalSynonymGroup',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('words', models.TextField(help_text='Ord folk søker med, skilt med komma, f.eks. «buss, tog, t-bane». Bøyde former teller med («bussen»).', verbose_name='søkeord')),
                ('finds', models.TextField(help_text='Ord fra strategien som et søk på søkeordene også skal finne, skilt med komma, f.eks. «kollektiv». Sammensatte ord som begynner med ordet teller med («kollektivtilbudet»).', verbose_name='finner også')),
                ('mutual', models.BooleanField(default=False, help_text='Kryss av når ordene betyr omtrent det samme: da finner hvert ord i begge feltene alle de andre (f.eks. «klimagass» og «utslipp»).', verbose_name='begge veier')),
                ('note', models.CharField(blank=True, help_text='Hvorfor gruppen finnes, f.eks. hvilke elementer den skal gjøre lettere å finne.', max_length=300, verbose_name='begrunnelse')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historikk',
                'verbose_name_plural': 'historical synonymgrupper',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='SynonymLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(db_index=True, max_length=200, verbose_name='søkeordets stammer')),
                ('word', models.CharField(max_length=40, verbose_name='finner også')),
                ('tsquery', models.CharField(max_length=200, verbose_name='tsquery (PostgreSQL)')),
                ('fts', models.CharField(max_length=200, verbose_name='FTS5-søk (SQLite)')),
                ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='synonym_links', to='strategy.synonymgroup')),
            ],
            options={
                'verbose_name': 'synonym',
                'verbose_name_plural': 'synonymer',
            },
        ),
        migrations.RunPython(create_word_index, drop_word_index),
        migrations.RunPython(fill_words, migrations.RunPython.noop),
        migrations.RunPython(starting_synonyms, migrations.RunPython.noop),
        migrations.RunPython(stem_sqlite_index, migrations.RunPython.noop),
    ]
