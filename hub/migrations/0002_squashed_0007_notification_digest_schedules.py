"""hub 0002–0007 in one migration: the pages, the broadcast outbox and the notification
centre, then the seed data (taxonomy, age bands, first pages) and the digests' schedules.

Used on a database where none of them has run (a new one); where all of them have run it
counts as applied, and where only some have, Django runs the rest of them instead. The
models are created by one CreateModels operation (hub/migration_operations.py), with their
constraints and indexes, which `migrate` renders once instead of once per model and per
change. tests/hub/test_migrations.py checks that the two paths give the same models and that
a database migrated along the old chain migrates on.
"""

from importlib import import_module

import django.db.models.deletion
import django.utils.timezone
import hub.migration_operations
import hub.rich_text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [
        ('hub', '0002_pages'),
        ('hub', '0003_seed_taxonomy_and_pages'),
        ('hub', '0004_broadcast_outbox'),
        ('hub', '0005_alter_homepage_intro_alter_standardpage_body'),
        ('hub', '0006_notification_centre'),
        ('hub', '0007_notification_digest_schedules'),
    ]

    dependencies = [
        ('hub', '0001_initial'),
        # After all of Wagtail's and the other third-party apps' migrations, as hub.0002 was:
        # with the hub's pages still absent, their migrations render far fewer models.
        ('account', '0009_emailaddress_unique_primary_email'),
        ('django_q', '0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more'),
        ('sessions', '0001_initial'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
        ('wagtailadmin', '0006_formstate'),
        ('wagtailcore', '0098_apitoken'),
        ('wagtaildocs', '0014_alter_document_file_size'),
        ('wagtailembeds', '0009_embed_cache_until'),
        ('wagtailforms', '0005_alter_formsubmission_form_data'),
        ('wagtailimages', '0027_image_description'),
        ('wagtailredirects', '0008_add_verbose_name_plural'),
        ('wagtailsearch', '0010_add_text_fields'),
        ('wagtailusers', '0015_userprofile_keyboard_shortcuts'),
    ]

    operations = [
        hub.migration_operations.CreateModels(
            models=[
                migrations.CreateModel(
                    name='BroadcastOutbox',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('group', models.CharField(max_length=200)),
                        ('event', models.JSONField()),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'ordering': ['pk'],
                    },
                ),
                migrations.CreateModel(
                    name='HomePage',
                    fields=[
                        ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                        ('intro', hub.rich_text.SanitizedRichTextField(blank=True, verbose_name='introduzione')),
                    ],
                    options={
                        'verbose_name': 'pagina iniziale',
                    },
                    bases=('wagtailcore.page',),
                ),
                migrations.CreateModel(
                    name='StandardPage',
                    fields=[
                        ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                        ('body', hub.rich_text.SanitizedRichTextField(blank=True, verbose_name='testo')),
                    ],
                    options={
                        'verbose_name': 'pagina semplice',
                    },
                    bases=('wagtailcore.page',),
                ),
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=64, verbose_name='tipo')),
                        ('title', models.CharField(max_length=200, verbose_name='titolo')),
                        ('body', models.CharField(blank=True, max_length=1000, verbose_name='testo')),
                        ('url', models.CharField(blank=True, max_length=500, verbose_name='collegamento')),
                        ('place', models.CharField(blank=True, max_length=100, verbose_name='luogo')),
                        ('place_label', models.CharField(blank=True, max_length=200, verbose_name='nome del luogo')),
                        ('key', models.CharField(blank=True, max_length=200, verbose_name='chiave')),
                        ('data', models.JSONField(blank=True, default=dict, verbose_name='dati')),
                        ('delivery', models.CharField(choices=[('email', 'nella casella e subito per e-mail'), ('daily', 'nella casella e nel riepilogo giornaliero'), ('weekly', 'nella casella e nel riepilogo settimanale'), ('inbox', 'solo nella casella delle notifiche')], max_length=10, verbose_name='recapito')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='creata il')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='letta il')),
                        ('emailed_at', models.DateTimeField(blank=True, null=True, verbose_name='inviata per e-mail il')),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='autore')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='destinatario')),
                    ],
                    options={
                        'verbose_name': 'notifica',
                        'verbose_name_plural': 'notifiche',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(fields=['user', '-created_at'], name='notification_inbox'), models.Index(condition=models.Q(('read_at__isnull', True)), fields=['user'], name='notification_unread'), models.Index(condition=models.Q(('delivery__in', ('daily', 'weekly')), ('emailed_at__isnull', True)), fields=['delivery', 'created_at'], name='notification_digest_pending')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('key', ''), _negated=True), fields=('user', 'key'), name='notification_key_per_user'), models.CheckConstraint(condition=models.Q(('delivery__in', ['email', 'daily', 'weekly', 'inbox'])), name='notification_delivery_known')],
                    },
                ),
                migrations.CreateModel(
                    name='NotificationPreference',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=64, verbose_name='tipo')),
                        ('place', models.CharField(blank=True, max_length=100, verbose_name='luogo')),
                        ('place_label', models.CharField(blank=True, max_length=200, verbose_name='nome del luogo')),
                        ('delivery', models.CharField(choices=[('email', 'nella casella e subito per e-mail'), ('daily', 'nella casella e nel riepilogo giornaliero'), ('weekly', 'nella casella e nel riepilogo settimanale'), ('inbox', 'solo nella casella delle notifiche'), ('off', 'non avvisarmi')], max_length=10, verbose_name='recapito')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notification_preferences', to=settings.AUTH_USER_MODEL, verbose_name='persona')),
                    ],
                    options={
                        'verbose_name': 'preferenza di notifica',
                        'verbose_name_plural': 'preferenze di notifica',
                        'constraints': [models.UniqueConstraint(fields=('user', 'kind', 'place'), name='notification_preference_unique'), models.CheckConstraint(condition=models.Q(('delivery__in', ['email', 'daily', 'weekly', 'inbox', 'off'])), name='notification_preference_delivery_known')],
                    },
                ),
            ],
        ),
        # The seed data and the schedules, by the replaced migrations' own functions.
        migrations.RunPython(
            import_module('hub.migrations.0003_seed_taxonomy_and_pages').seed,
            migrations.RunPython.noop,
        ),
        migrations.RunPython(
            import_module('hub.migrations.0007_notification_digest_schedules').create_schedules,
            import_module('hub.migrations.0007_notification_digest_schedules').delete_schedules,
        ),
    ]
