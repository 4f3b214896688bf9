#!/usr/bin/env python3
"""CTest test_translations: are resources/translations/*.ts complete for the sources as they are now?

Runs lupdate over ui/ and app/ into a temporary copy of each .ts (the files in the tree are left
alone) and fails when an entry is unfinished (a new or changed string not yet translated), vanished
or obsolete (a string no longer in the sources: run scripts/update-translations), or when a
translation loses a placeholder (%1, %n), an HTML tag or the mnemonic of its source, or when a
Japanese translation is left in English.

usage: check_translations.py LUPDATE LRELEASE SOURCE_DIR WORK_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

lupdate, lrelease, source_dir, work_dir = sys.argv[1:5]
ts_dir = os.path.join(source_dir, 'resources', 'translations')
# lupdate's options per file: scripts/update-translations uses the same.
files = {
    'captioner_ja.ts': ['-target-language', 'ja_JP'],
    'captioner_en.ts': ['-pluralonly', '-source-language', 'en', '-target-language', 'en'],
}
placeholder = re.compile(r'%(?:L?n|L?\d+)')
tag = re.compile(r'</?[a-zA-Z][^>]*>')
cjk = re.compile(r'[\u3040-\u30ff\u3400-\u9fff]')
english_words = re.compile(r'[A-Za-z]{2,}')
# Names that Japanese software writes in Latin letters too.
same_in_japanese = {'CUDA (GPU)', 'CUDA GPU', 'bf16 (autocast)'}
problems = []

shutil.rmtree(work_dir, ignore_errors=True)
os.makedirs(work_dir)
for name, options in files.items():
    copy = os.path.join(work_dir, name)
    shutil.copyfile(os.path.join(ts_dir, name), copy)
    # Without -no-obsolete: strings gone from the sources stay, marked vanished or obsolete.
    run = subprocess.run([lupdate, 'ui', 'app', '-locations', 'none', *options, '-ts', copy], cwd=source_dir,
                         capture_output=True, text=True)
    print(run.stdout + run.stderr)
    if run.returncode != 0:
        problems.append(f'{name}: lupdate failed ({run.returncode})')
        continue
    release = subprocess.run([lrelease, copy, '-qm', copy[:-3] + '.qm'], capture_output=True, text=True)
    print(release.stdout + release.stderr)  # "Generated N translation(s) (N finished and 0 unfinished)"
    messages = 0
    for context in ET.parse(copy).getroot().iter('context'):
        cname = context.find('name').text
        for m in context.iter('message'):
            messages += 1
            source = m.find('source').text or ''
            tr = m.find('translation')
            where = f'{name} [{cname}] {source!r}'
            kind = tr.get('type')
            if kind == 'unfinished':
                problems.append(f'{where}: unfinished (missing translation)')
                continue
            if kind in ('vanished', 'obsolete'):
                problems.append(f'{where}: {kind} (no longer in the sources: run scripts/update-translations)')
                continue
            forms = [f.text or '' for f in tr.iter('numerusform')] if m.get('numerus') == 'yes' else [tr.text or '']
            if name == 'captioner_ja.ts' and m.get('numerus') == 'yes' and len(forms) != 1:
                problems.append(f'{where}: Japanese has one plural form, found {len(forms)}')
            for text in forms:
                if not text:
                    problems.append(f'{where}: empty translation')
                    continue
                # %L1 / %Ln: the same argument, formatted for the locale.
                want = sorted(set(p.replace('L', '') for p in placeholder.findall(source)))
                if sorted(set(p.replace('L', '') for p in placeholder.findall(text))) != want:
                    problems.append(f'{where}: placeholders {want} not kept in {text!r}')
                if sorted(tag.findall(source)) != sorted(tag.findall(text)):
                    problems.append(f'{where}: HTML tags not kept in {text!r}')
                mnemonic = re.search(r'&([^&\s])', source)
                if mnemonic and not re.search('&' + re.escape(mnemonic.group(1)), text, re.IGNORECASE):
                    problems.append(f'{where}: mnemonic &{mnemonic.group(1)} lost in {text!r}')
                if (name == 'captioner_ja.ts' and len(english_words.findall(tag.sub('', source))) >= 2
                        and not cjk.search(text) and source not in same_in_japanese):
                    problems.append(f'{where}: left in English: {text!r}')
    print(f'{name}: {messages} entries checked')
    if messages == 0:
        problems.append(f'{name}: no entries')

for p in problems:
    print('FAIL', p)
print(f'{len(problems)} problem(s)')
sys.exit(1 if problems else 0)
