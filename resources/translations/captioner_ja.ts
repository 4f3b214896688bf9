<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>Duration</name>
    <message>
        <location filename="../../ui/include/captioner_ui/locale_format.h" line="+44"/>
        <source>%1 s</source>
        <comment>seconds</comment>
        <translation>%1秒</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 min %2 s</source>
        <comment>minutes and seconds</comment>
        <translation>%1分%2秒</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 h %2 min</source>
        <comment>hours and minutes</comment>
        <translation>%1時間%2分</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <location filename="../../ui/src/translations.cpp" line="+63"/>
        <source>System (%1)</source>
        <translation>システムの設定 (%1)</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>No Japanese font is installed, so Captioner is shown in English; install one (Debian: fonts-noto-cjk) and restart.</source>
        <translation>日本語のフォントがインストールされていないため、Captioner を英語で表示しています。日本語のフォント (Debian では fonts-noto-cjk) をインストールして再起動してください。</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <location filename="../../ui/src/hub_cache_menu.cpp" line="+29"/>
        <source>Hugging Face cache: models</source>
        <translation>Hugging Face キャッシュ: モデル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hugging Face cache: datasets</source>
        <translation>Hugging Face キャッシュ: データセット</translation>
    </message>
    <message>
        <location filename="../../ui/src/model_manager.cpp" line="+266"/>
        <location line="+3"/>
        <source>Training the demo model</source>
        <translation>デモモデルを学習しています</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Checking the demo model on held-out images</source>
        <translation>検証用の画像でデモモデルを確認しています</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Saving the demo model</source>
        <translation>デモモデルを保存しています</translation>
    </message>
    <message>
        <location filename="../../ui/src/training_worker.cpp" line="+96"/>
        <source>Choose the model folder to start from.</source>
        <translation>学習の元にするモデルフォルダーを選んでください。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The model folder %1 is not a GIT checkpoint: %2</source>
        <translation>モデルフォルダー %1 は GIT チェックポイントではありません: %2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Choose the dataset to train on.</source>
        <translation>学習に使うデータセットを選んでください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The dataset %1 does not exist.</source>
        <translation>データセット %1 が見つかりません。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The dataset %1 is empty: it has no images.</source>
        <translation>データセット %1 は空です。画像がありません。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The caption file %1 is empty.</source>
        <translation>キャプションファイル %1 は空です。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Choose an output folder for the checkpoints.</source>
        <translation>チェックポイントの出力先フォルダーを選んでください。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The output folder %1 cannot be written to.</source>
        <translation>出力先フォルダー %1 に書き込めません。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Device and precision: %1</source>
        <translation>デバイスと精度: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Batch size and accumulation must be at least 1.</source>
        <translation>バッチサイズと勾配累積は 1 以上にしてください。</translation>
    </message>
</context>
<context>
    <name>QProgressBar</name>
    <message>
        <location filename="../../ui/src/hub_dialog_util.h" line="+21"/>
        <source>%1 of %2 — %3</source>
        <translation>%1 / %2 — %3</translation>
    </message>
</context>
<context>
    <name>SetCaptionCommand</name>
    <message>
        <location filename="../../ui/src/caption_commands.cpp" line="+13"/>
        <source>Edit caption of %1</source>
        <translation>%1 のキャプションの編集</translation>
    </message>
</context>
<context>
    <name>Theme</name>
    <message>
        <location filename="../../ui/src/theme.cpp" line="+170"/>
        <source>Light</source>
        <translation>ライト</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dark</source>
        <translation>ダーク</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>High contrast</source>
        <translation>ハイコントラスト</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>System</source>
        <translation>システムの設定</translation>
    </message>
</context>
<context>
    <name>captioner::ui::CaptionCard</name>
    <message>
        <location filename="../../ui/src/caption_card.cpp" line="+40"/>
        <source>&amp;Copy</source>
        <translation>コピー(&amp;C)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Copy caption</source>
        <translation>キャプションをコピー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy the caption of %1 to the clipboard (Ctrl+C)</source>
        <translation>%1 のキャプションをクリップボードにコピーします (Ctrl+C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>S&amp;peak</source>
        <translation>読み上げ(&amp;P)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Speak caption</source>
        <translation>キャプションを読み上げ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Re-caption</source>
        <translation>再生成(&amp;R)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Re-caption</source>
        <translation>キャプションを再生成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Caption %1 again with the current decoding options (F5)</source>
        <translation>現在のデコード設定で %1 のキャプションを生成し直します (F5)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remo&amp;ve</source>
        <translation>削除(&amp;V)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Remove %1 from the results (Delete)</source>
        <translation>%1 を結果から削除します (Delete)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Preview of %1</source>
        <translation>%1 のプレビュー</translation>
    </message>
    <message>
        <location line="+102"/>
        <location line="+140"/>
        <source>No preview</source>
        <translation>プレビューなし</translation>
    </message>
    <message>
        <location line="-52"/>
        <source>Waiting for a model: open one (Ctrl+Shift+O) and this image is captioned.</source>
        <translation>モデル待ち: モデルを開く (Ctrl+Shift+O) と、この画像のキャプションが生成されます。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Queued</source>
        <translation>待機中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Captioning…</source>
        <translation>キャプションを生成中…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not captioned: cancelled. Re-caption (F5) to try again.</source>
        <translation>キャンセルされたため、キャプションは生成されていません。再生成 (F5) でやり直せます。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Captioned in %1 s (restored from an interrupted run)</source>
        <translation>%1 秒で生成 (中断した処理から復元)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Captioned in %1 s</source>
        <translation>%1 秒で生成</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Could not caption this image.</source>
        <translation>この画像のキャプションを生成できませんでした。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Confidence %1%</source>
        <translation>確信度 %1%</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 (%2%)</source>
        <comment>an uncertain word and its confidence</comment>
        <translation>%1 (%2%)</translation>
    </message>
    <message>
        <location line="+4"/>
        <location filename="../../ui/src/caption_card_compare.cpp" line="+96"/>
        <source>, </source>
        <comment>joins the uncertain words of a caption</comment>
        <translation>、</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>where the model looked for “%1” is shown on the image (Esc clears)</source>
        <translation>「%1」でモデルが注目した箇所を画像に表示中 (Esc で解除)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Uncertain words (below %1%): %2</source>
        <translation>確信度の低い語 (%1% 未満): %2</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Read the caption of %1 aloud</source>
        <translation>%1 のキャプションを読み上げます</translation>
    </message>
    <message>
        <location line="+4"/>
        <location filename="../../ui/src/caption_card_compare.cpp" line="-4"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1: error</source>
        <translation>%1: エラー</translation>
    </message>
    <message>
        <location line="-23"/>
        <location line="+26"/>
        <location line="+2"/>
        <location line="+2"/>
        <location filename="../../ui/src/caption_card_compare.cpp" line="+1"/>
        <location line="+4"/>
        <source>; </source>
        <comment>joins parts of a card&apos;s description</comment>
        <translation>。</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>uncertain words: %1</source>
        <translation>確信度の低い語: %1</translation>
    </message>
    <message>
        <location filename="../../ui/src/caption_card_compare.cpp" line="-36"/>
        <source>Model B (%1)</source>
        <translation>モデル B（%1）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1:</source>
        <comment>before the second model&apos;s caption</comment>
        <translation>%1：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>captioning…</source>
        <translation>キャプション生成中…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1: captioning</source>
        <comment>the second model has not captioned the image yet</comment>
        <translation>%1：キャプション生成中</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>not captioned, the comparison was cancelled</source>
        <translation>比較がキャンセルされたため、キャプションはありません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1: not captioned, the comparison was cancelled</source>
        <translation>%1：比較がキャンセルされたため、キャプションはありません</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>could not caption this image: %1</source>
        <translation>この画像のキャプションを生成できませんでした：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 could not caption this image: %2</source>
        <translation>%1 はこの画像のキャプションを生成できませんでした：%2</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 confidence %2%</source>
        <translation>%1 の確信度 %2%</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>the two captions are the same</source>
        <translation>2 つのキャプションは同じです</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>words that differ: this caption %1; model B %2</source>
        <translation>異なる単語：このキャプション %1、モデル B %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>none</source>
        <comment>no differing words</comment>
        <translation>なし</translation>
    </message>
</context>
<context>
    <name>captioner::ui::CaptionPage</name>
    <message numerus="yes">
        <location filename="../../ui/src/caption_page.cpp" line="+75"/>
        <source>%n image(s) already on the page were left as they are.</source>
        <translation>
            <numerusform>すでにページにある %Ln 枚の画像はそのままにしました。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Could not read %1: %2</source>
        <translation>%1 を読み込めませんでした: %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Could not save the folder&apos;s progress: %1</source>
        <translation>フォルダーの進行状況を保存できませんでした: %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>What just happened on the Caption page</source>
        <translation>キャプションページで直前に起きたこと</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Captioning progress</source>
        <translation>キャプション生成の進行状況</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancel captioning</source>
        <translation>キャプション生成をキャンセル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop after the images being captioned now (Esc); finished captions are kept</source>
        <translation>処理中の画像が終わったところで停止します (Esc)。生成済みのキャプションは残ります</translation>
    </message>
    <message>
        <location line="+16"/>
        <location filename="../../ui/src/caption_page_layout.cpp" line="+191"/>
        <source>Results</source>
        <translation>結果</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One card per image; Up and Down move between cards</source>
        <translation>画像ごとに 1 枚のカード。上下キーでカード間を移動します</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Order added</source>
        <translation>追加した順</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Least confident first</source>
        <translation>確信度の低い順</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Most confident first</source>
        <translation>確信度の高い順</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sort results</source>
        <translation>結果の並べ替え</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Order the caption cards by when they were added or by their confidence</source>
        <translation>キャプションカードを追加した順または確信度の順に並べ替えます</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sort orders</source>
        <translation>並べ替えの順序</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Orders the caption cards can be shown in</source>
        <translation>キャプションカードを表示できる順序</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>S&amp;ort results:</source>
        <translation>並べ替え(&amp;O):</translation>
    </message>
    <message>
        <location line="+79"/>
        <source>Add Folder</source>
        <translation>フォルダーの追加</translation>
    </message>
    <message>
        <location line="+4"/>
        <location filename="../../ui/src/caption_page_compare.cpp" line="+100"/>
        <source>Compare With Model</source>
        <translation>モデルと比較</translation>
    </message>
    <message>
        <location line="+4"/>
        <location filename="../../ui/src/caption_page_compare.cpp" line="+239"/>
        <source>Export Comparison</source>
        <translation>比較をエクスポート</translation>
    </message>
    <message>
        <location line="+6"/>
        <location filename="../../ui/src/caption_page_export.cpp" line="+47"/>
        <source>Export Captions</source>
        <translation>キャプションのエクスポート</translation>
    </message>
    <message>
        <location line="-4"/>
        <location line="+6"/>
        <source>CSV (*.csv);;JSON Lines (*.jsonl)</source>
        <translation>CSV ファイル (*.csv);;JSON Lines ファイル (*.jsonl)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Add Images</source>
        <translation>画像の追加</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Images (%1);;All files (*)</source>
        <translation>画像 (%1);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Not found: %1</source>
        <translation>見つかりません: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Looking for images in %1…</source>
        <translation>%1 の画像を探しています…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No images in %1.</source>
        <translation>%1 に画像はありません。</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n image(s) in %1</source>
        <translation>
            <numerusform>%1 に %Ln 枚の画像</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n skipped (caption file present)</source>
        <translation>
            <numerusform>%Ln 枚をスキップ (キャプションファイルあり)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n restored from an interrupted run</source>
        <translation>
            <numerusform>%Ln 枚を中断した処理から復元</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../ui/src/caption_page_compare.cpp" line="-69"/>
        <source>; </source>
        <comment>between the parts of a summary</comment>
        <translation>。</translation>
    </message>
    <message>
        <location line="+0"/>
        <location filename="../../ui/src/caption_page_run.cpp" line="+176"/>
        <source>.</source>
        <comment>ends a summary</comment>
        <translation>。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Could not save the pasted image to %1</source>
        <translation>貼り付けた画像を %1 に保存できませんでした</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The clipboard holds no image and no image files.</source>
        <translation>クリップボードに画像も画像ファイルもありません。</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>%1 has no caption to copy yet.</source>
        <translation>%1 にはまだコピーできるキャプションがありません。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Copied the caption of %1.</source>
        <translation>%1 のキャプションをコピーしました。</translation>
    </message>
    <message>
        <location filename="../../ui/src/caption_page_export.cpp" line="-17"/>
        <source>Could not export: %1</source>
        <translation>エクスポートできませんでした: %1</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>Exported %n result(s) to %1.</source>
        <translation>
            <numerusform>%Ln 件の結果を %1 にエクスポートしました。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Nothing to export yet: no image has been captioned.</source>
        <translation>エクスポートするものがありません。まだキャプションを生成した画像がありません。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Could not export the captions.

%1</source>
        <translation>キャプションをエクスポートできませんでした。

%1</translation>
    </message>
    <message numerus="yes">
        <location line="+15"/>
        <source>and %n more</source>
        <translation>
            <numerusform>ほか %Ln 件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n caption file(s) already exist and would be replaced:
%1</source>
        <translation>
            <numerusform>%Ln 個のキャプションファイルがすでにあり、置き換えられます:
%1</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No caption files written.</source>
        <translation>キャプションファイルは書き込まれませんでした。</translation>
    </message>
    <message numerus="yes">
        <location line="+13"/>
        <source>Wrote %n caption file(s).</source>
        <translation>
            <numerusform>%Ln 個のキャプションファイルを書き込みました。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Could not write %1</source>
        <translation>%1 に書き込めませんでした</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Replace Caption Files?</source>
        <translation>キャプションファイルを置き換えますか?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Replace</source>
        <translation>置き換える(&amp;R)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Keep Existing</source>
        <translation>既存のものを残す(&amp;K)</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>No captions to add yet.</source>
        <translation>追加できるキャプションはまだありません。</translation>
    </message>
    <message>
        <location filename="../../ui/src/caption_page_layout.cpp" line="-138"/>
        <source>Drop zone</source>
        <translation>ドロップ領域</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Drop images or folders here, paste with Ctrl+V, or use Add Images and Add Folder</source>
        <translation>ここに画像やフォルダーをドロップするか、Ctrl+V で貼り付けるか、「画像の追加」「フォルダーの追加」を使ってください</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Drop images or folders here to caption them
or paste an image or file (Ctrl+V)</source>
        <translation>ここに画像やフォルダーをドロップするとキャプションを生成します
画像やファイルの貼り付け (Ctrl+V) もできます</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+166"/>
        <source>Add &amp;Images…</source>
        <translation>画像の追加(&amp;I)…</translation>
    </message>
    <message>
        <location line="-166"/>
        <source>Add Images…</source>
        <translation>画像の追加…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose image files to caption (Ctrl+I)</source>
        <translation>キャプションを生成する画像ファイルを選びます (Ctrl+I)</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+164"/>
        <source>Add &amp;Folder…</source>
        <translation>フォルダーの追加(&amp;F)…</translation>
    </message>
    <message>
        <location line="-164"/>
        <source>Add Folder…</source>
        <translation>フォルダーの追加…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose a folder; its images and those of its subfolders are captioned (Ctrl+Shift+I)</source>
        <translation>フォルダーを選ぶと、その中とサブフォルダーの画像のキャプションを生成します (Ctrl+Shift+I)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Paste</source>
        <translation>貼り付け(&amp;P)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Paste</source>
        <translation>貼り付け</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Caption the image or the image files on the clipboard (Ctrl+V)</source>
        <translation>クリップボードの画像または画像ファイルのキャプションを生成します (Ctrl+V)</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../ui/src/caption_page_run.cpp" line="-126"/>
        <source>No model open: images wait until one is.</source>
        <translation>モデルが開かれていません。モデルを開くまで画像は待機します。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open &amp;Model…</source>
        <translation>モデルを開く(&amp;M)…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open Model…</source>
        <translation>モデルを開く…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose a GIT model folder (Ctrl+Shift+O)</source>
        <translation>GIT モデルのフォルダーを選びます (Ctrl+Shift+O)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Decoding</source>
        <translation>デコード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search</source>
        <translation>探索</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Greedy search takes the likeliest word each step; beam search keeps several candidates</source>
        <translation>貪欲法は各ステップで最も確率の高い単語を選び、ビームサーチは複数の候補を保持します</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Greedy</source>
        <translation>貪欲法</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Beam search</source>
        <translation>ビームサーチ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Search methods</source>
        <translation>探索方法</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Beams</source>
        <translation>ビーム数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>How many candidate captions beam search keeps</source>
        <translation>ビームサーチで保持するキャプション候補の数</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Max length</source>
        <translation>最大長</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Longest caption in tokens, counting the start token</source>
        <translation>キャプションの最大トークン数 (開始トークンを含む)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Length penalty</source>
        <translation>長さペナルティ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Beam search: above 1 favours longer captions, below 1 shorter ones</source>
        <translation>ビームサーチ用: 1 より大きいと長いキャプション、1 より小さいと短いキャプションが選ばれやすくなります</translation>
    </message>
    <message>
        <location line="+19"/>
        <location line="+93"/>
        <source>Re-caption &amp;All</source>
        <translation>すべて再生成(&amp;A)</translation>
    </message>
    <message>
        <location line="-93"/>
        <source>Re-caption All</source>
        <translation>すべて再生成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Caption every image again with these options (Shift+F5)</source>
        <translation>この設定ですべての画像のキャプションを生成し直します (Shift+F5)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Defaults</source>
        <translation>既定値(&amp;D)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Defaults</source>
        <translation>既定値</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reset the options to the defaults from Settings</source>
        <translation>設定を環境設定の既定値に戻します</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>&amp;Search:</source>
        <translation>探索(&amp;S):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Beams:</source>
        <translation>ビーム数(&amp;B):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Max &amp;length:</source>
        <translation>最大長(&amp;L):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Length &amp;penalty:</source>
        <translation>長さペナルティ(&amp;P):</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Folders</source>
        <translation>フォルダー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>S&amp;kip images that have a caption file</source>
        <translation>キャプションファイルのある画像をスキップ(&amp;K)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Skip images that have a caption file</source>
        <translation>キャプションファイルのある画像をスキップ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>When adding a folder, leave out images with a .txt caption beside them</source>
        <translation>フォルダーを追加するとき、隣に .txt キャプションがある画像を除外します</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Export…</source>
        <translation>エクスポート(&amp;E)…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Export…</source>
        <translation>エクスポート…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save every result as CSV or JSON Lines (Ctrl+E)</source>
        <translation>すべての結果を CSV または JSON Lines で保存します (Ctrl+E)</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+56"/>
        <source>&amp;Write Caption Files</source>
        <translation>キャプションファイルを書き出す(&amp;W)</translation>
    </message>
    <message>
        <location line="-56"/>
        <source>Write Caption Files</source>
        <translation>キャプションファイルを書き出す</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Write each caption to a .txt file beside its image (Ctrl+Shift+T)</source>
        <translation>各キャプションを画像の隣の .txt ファイルに書き出します (Ctrl+Shift+T)</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+56"/>
        <source>Add to Data&amp;set</source>
        <translation>データセットに追加(&amp;S)</translation>
    </message>
    <message>
        <location line="-56"/>
        <source>Add to Dataset</source>
        <translation>データセットに追加</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bring the captioned images into the dataset browser for review (Ctrl+Shift+D)</source>
        <translation>キャプションを生成した画像をデータセットブラウザーに取り込み、レビューできるようにします (Ctrl+Shift+D)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>C&amp;lear</source>
        <translation>クリア(&amp;L)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Clear</source>
        <translation>クリア</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+61"/>
        <source>Remove every result from the page</source>
        <translation>ページからすべての結果を削除します</translation>
    </message>
    <message>
        <location line="-32"/>
        <source>Choose image files to caption</source>
        <translation>キャプションを生成する画像ファイルを選びます</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose a folder of images to caption</source>
        <translation>キャプションを生成する画像のフォルダーを選びます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Paste Images</source>
        <translation>画像の貼り付け(&amp;P)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Caption the image or files on the clipboard</source>
        <translation>クリップボードの画像またはファイルのキャプションを生成します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Copy Caption</source>
        <translation>キャプションをコピー(&amp;C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy the caption of the current card</source>
        <translation>現在のカードのキャプションをコピーします</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Spea&amp;k Caption</source>
        <translation>キャプションを読み上げ(&amp;K)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Read the caption of the current card aloud</source>
        <translation>現在のカードのキャプションを読み上げます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Re-caption</source>
        <translation>再生成(&amp;R)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Caption the current image again</source>
        <translation>現在の画像のキャプションを生成し直します</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Caption every image again with the current options</source>
        <translation>現在の設定ですべての画像のキャプションを生成し直します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ca&amp;ncel Captioning</source>
        <translation>キャプション生成をキャンセル(&amp;N)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop captioning after the images in progress</source>
        <translation>処理中の画像が終わったところでキャプション生成を停止します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Export Captions…</source>
        <translation>キャプションのエクスポート(&amp;E)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the results as CSV or JSON Lines</source>
        <translation>結果を CSV または JSON Lines で保存します</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Write each caption to a .txt file beside its image</source>
        <translation>各キャプションを画像の隣の .txt ファイルに書き出します</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Bring the captioned images into the dataset browser for review</source>
        <translation>キャプションを生成した画像をデータセットブラウザーに取り込み、レビューできるようにします</translation>
    </message>
    <message>
        <location filename="../../ui/src/caption_page_compare.cpp" line="-219"/>
        <location filename="../../ui/src/caption_page_layout.cpp" line="+2"/>
        <source>Compare With &amp;Model…</source>
        <translation>モデルと比較(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../ui/src/caption_page_layout.cpp" line="+1"/>
        <source>Caption the same images with a second model and show both captions</source>
        <translation>同じ画像を 2 つ目のモデルでもキャプション生成し、両方のキャプションを表示します</translation>
    </message>
    <message>
        <location filename="../../ui/src/caption_page_compare.cpp" line="-20"/>
        <source>Both models&apos; WER, ROUGE-L, BLEU-4 and CIDEr-D on the images with reference captions</source>
        <translation>参照キャプションのある画像での両モデルの WER、ROUGE-L、BLEU-4、CIDEr-D</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Compare</source>
        <translation>比較</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Compare With Model…</source>
        <translation>モデルと比較…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Caption the same images with a second model and show both captions (Ctrl+Shift+M)</source>
        <translation>同じ画像を 2 つ目のモデルでもキャプション生成し、両方のキャプションを表示します（Ctrl+Shift+M）</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../../ui/src/caption_page_layout.cpp" line="+1"/>
        <source>Export Compa&amp;rison…</source>
        <translation>比較をエクスポート(&amp;R)…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Export Comparison…</source>
        <translation>比較をエクスポート…</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../ui/src/caption_page_layout.cpp" line="+1"/>
        <source>Save both models&apos; captions, confidences and the references as CSV or JSON Lines</source>
        <translation>両モデルのキャプション、確信度、参照キャプションを CSV または JSON Lines で保存します</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Close Comparison</source>
        <translation>比較を閉じる</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Hide the second model&apos;s captions</source>
        <translation>2 つ目のモデルのキャプションを隠します</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel Comparison</source>
        <translation>比較をキャンセル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop the second model; the images it has captioned stay compared (Esc)</source>
        <translation>2 つ目のモデルを止めます。キャプション済みの画像は比較したまま残ります (Esc)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Comparison metrics</source>
        <translation>比較の評価指標</translation>
    </message>
    <message numerus="yes">
        <location line="+16"/>
        <source>Captioning %n image(s) with %1 to compare…</source>
        <translation>
            <numerusform>比較のため %1 で %Ln 枚の画像のキャプションを生成しています…</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Could not open the model to compare with (%1): %2</source>
        <translation>比較するモデルを開けませんでした（%1）：%2</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>Nothing to compare yet: caption some images first.</source>
        <translation>まだ比較するものがありません。先に画像のキャプションを生成してください。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Opening %1 to compare…</source>
        <translation>比較のため %1 を開いています…</translation>
    </message>
    <message numerus="yes">
        <location line="+65"/>
        <source>Captions differ on %1 of %n image(s).</source>
        <translation>
            <numerusform>%Ln 枚中 %1 枚の画像でキャプションが異なります。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Computing metrics…</source>
        <translation>評価指標を計算しています…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No metrics: the images have no reference captions (open their dataset in the dataset browser to compare against its captions).</source>
        <translation>評価指標はありません：画像に参照キャプションがありません（データセットブラウザーで画像のデータセットを開くと、そのキャプションと比較できます）。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Could not compute the metrics: %1</source>
        <translation>評価指標を計算できませんでした：%1</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>On %n image(s) with references. A: %1, B: %2.</source>
        <translation>
            <numerusform>参照キャプションのある %Ln 枚の画像で評価。A：%1、B：%2。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>WER</source>
        <translation>WER</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ROUGE-L</source>
        <translation>ROUGE-L</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>BLEU-4</source>
        <translation>BLEU-4</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CIDEr-D</source>
        <translation>CIDEr-D</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: A %2, B %3</source>
        <comment>a metric of both models</comment>
        <translation>%1：A %2、B %3</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>On %n image(s) with references, A is %1 and B is %2: %3.</source>
        <translation>
            <numerusform>参照キャプションのある %Ln 枚の画像で、A は %1、B は %2：%3。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Comparison closed.</source>
        <translation>比較を閉じました。</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Could not export the comparison: %1</source>
        <translation>比較をエクスポートできませんでした：%1</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>Exported the comparison of %n image(s) to %1.</source>
        <translation>
            <numerusform>%Ln 枚の画像の比較を %1 にエクスポートしました。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Nothing to export yet: compare with a second model first.</source>
        <translation>まだエクスポートするものがありません。先に 2 つ目のモデルと比較してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Could not export the comparison.

%1</source>
        <translation>比較をエクスポートできませんでした。

%1</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Cancelling the comparison with %1…</source>
        <translation>%1 との比較をキャンセルしています…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Comparing with %1: %2 of %3 captioned…</source>
        <translation>%1 と比較中：%3 枚中 %2 枚生成済み…</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Cancelling the comparison…</source>
        <translation>比較をキャンセルしています…</translation>
    </message>
    <message>
        <location line="-25"/>
        <source>Opening %1…</source>
        <translation>%1 を開いています…</translation>
    </message>
    <message>
        <location line="-171"/>
        <source>Comparison cancelled before the model to compare with was open.</source>
        <translation>比較するモデルを開く前に比較をキャンセルしました。</translation>
    </message>
    <message numerus="yes">
        <location line="+31"/>
        <source>Comparison cancelled after %1 of %n image(s).</source>
        <translation>
            <numerusform>%Ln 枚中 %1 枚を比較したところで比較をキャンセルしました。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+147"/>
        <source>Caption images, then compare them with a second model.</source>
        <translation>画像のキャプションを生成してから、2 つ目のモデルと比較できます。</translation>
    </message>
    <message>
        <location filename="../../ui/src/caption_page_layout.cpp" line="+2"/>
        <source>C&amp;lear Results</source>
        <translation>結果をクリア(&amp;L)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Reading aloud is not available: no speech engine is installed (for example the qt6-speech-flite-plugin package).</source>
        <translation>読み上げは使えません: 音声エンジンがインストールされていません (qt6-speech-flite-plugin パッケージなど)。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Reading aloud is not available: the speech engine did not start (%1).</source>
        <translation>読み上げは使えません: 音声エンジンが起動しませんでした (%1)。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reading aloud is not available: the speech engine has no voices.</source>
        <translation>読み上げは使えません: 音声エンジンに音声がありません。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Could not read the caption aloud: %1</source>
        <translation>キャプションを読み上げられませんでした: %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no audio output</source>
        <translation>音声出力がありません</translation>
    </message>
    <message>
        <location filename="../../ui/src/caption_page_run.cpp" line="-1"/>
        <source>Captioning with %1</source>
        <translation>%1 でキャプションを生成中</translation>
    </message>
    <message>
        <location line="+115"/>
        <source>Caption ready for %1: %2</source>
        <translation>%1 のキャプションができました: %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Could not caption %1: %2</source>
        <translation>%1 のキャプションを生成できませんでした: %2</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>Captioning cancelled: %n caption(s) ready</source>
        <translation>
            <numerusform>キャプション生成をキャンセルしました: %Ln 件完了</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Captioning finished: %n caption(s) ready</source>
        <translation>
            <numerusform>キャプション生成が終わりました: %Ln 件完了</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>, %n image(s) could not be captioned</source>
        <translation>
            <numerusform>、%Ln 枚の画像は生成できませんでした</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cancelling after the images in progress…</source>
        <translation>処理中の画像が終わったところでキャンセルします…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Captioning cancelled.</source>
        <translation>キャプション生成をキャンセルしました。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Removed %1.</source>
        <translation>%1 を削除しました。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Results cleared.</source>
        <translation>結果をクリアしました。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source> · about %n s left</source>
        <translation>
            <numerusform> · 残り約 %Ln 秒</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source> · about %n min left</source>
        <translation>
            <numerusform> · 残り約 %Ln 分</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>captioner::ui::DatasetLoader</name>
    <message>
        <location filename="../../ui/src/dataset_loader.cpp" line="+89"/>
        <source>Creating the demo dataset</source>
        <translation>デモデータセットを作成しています</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Reading the dataset</source>
        <translation>データセットを読み込んでいます</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Checking images</source>
        <translation>画像を確認しています</translation>
    </message>
</context>
<context>
    <name>captioner::ui::DatasetModel</name>
    <message>
        <location filename="../../ui/src/dataset_model.cpp" line="+117"/>
        <location line="+21"/>
        <source>No caption</source>
        <translation>キャプションなし</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Unreadable image: %1</source>
        <translation>読み込めない画像: %1</translation>
    </message>
</context>
<context>
    <name>captioner::ui::DatasetPage</name>
    <message>
        <location filename="../../ui/src/dataset_page.cpp" line="+63"/>
        <source>&amp;Whole words</source>
        <translation>単語単位(&amp;W)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>No dataset open</source>
        <translation>データセットが開かれていません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open a dataset folder (Ctrl+O) or a dataset file (Ctrl+Alt+O), or drop one here. A dataset is a folder of images, optionally with their captions, or a caption file: metadata.jsonl/.csv, COCO .json, Flickr token file, .parquet.</source>
        <translation>データセットのフォルダー (Ctrl+O) かデータセットファイル (Ctrl+Alt+O) を開くか、ここにドロップしてください。データセットとは、画像のフォルダー (キャプション付きでも可) か、キャプションファイル (metadata.jsonl/.csv、COCO の .json、Flickr のトークンファイル、.parquet) のことです。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Open Dataset…</source>
        <translation>データセットを開く(&amp;O)…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Choose a folder of images to use as the dataset</source>
        <translation>データセットとして使う画像のフォルダーを選びます</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open the &amp;Demo Dataset</source>
        <translation>デモデータセットを開く(&amp;D)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open the built-in dataset of generated shapes with their captions</source>
        <translation>図形の画像とそのキャプションからなる内蔵のデータセットを開きます</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Opening progress</source>
        <translation>読み込みの進行状況</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>How far opening the dataset has come</source>
        <translation>データセットの読み込みがどこまで進んだか</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stop opening this dataset</source>
        <translation>このデータセットの読み込みを中止します</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Dataset images</source>
        <translation>データセットの画像</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Images of the dataset with their captions; arrow keys move, the detail pane shows the selected one</source>
        <translation>データセットの画像とキャプション。矢印キーで移動し、選んだ画像は詳細ペインに表示されます</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Dataset problems</source>
        <translation>データセットの問題</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Problems found in the dataset; activate the link to list them</source>
        <translation>データセットで見つかった問題。リンクを開くと一覧を表示します</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Image check progress</source>
        <translation>画像チェックの進行状況</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Images checked for problems so far</source>
        <translation>問題がないか確認済みの画像</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>%1 — %2…</source>
        <translation>%1 — %2…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1: %2 of %3</source>
        <translation>%1: %2 / %3</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Could not open %1: %2

Open another folder (Ctrl+O) or file (Ctrl+Alt+O), or the demo dataset.</source>
        <translation>%1 を開けませんでした: %2

別のフォルダー (Ctrl+O) かファイル (Ctrl+Alt+O)、またはデモデータセットを開いてください。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Opening cancelled</source>
        <translation>読み込みをキャンセルしました</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Search captions and file names (Ctrl+F)</source>
        <translation>キャプションとファイル名を検索 (Ctrl+F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search</source>
        <translation>検索</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Shows only images whose captions or file names contain every word typed</source>
        <translation>入力したすべての語をキャプションかファイル名に含む画像だけを表示します</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Whole words</source>
        <translation>単語単位</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Match search words only as whole words</source>
        <translation>検索語を単語全体としてだけ一致させます</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>All images</source>
        <translation>すべての画像</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Problems</source>
        <translation>問題のある画像</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Unreadable images</source>
        <translation>読み込めない画像</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Missing captions</source>
        <translation>キャプションのない画像</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Captions over 125 characters</source>
        <translation>125 文字を超えるキャプション</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Not reviewed</source>
        <translation>未レビュー</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Accepted</source>
        <translation>承認済み</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Edited</source>
        <translation>編集済み</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Flagged</source>
        <translation>フラグ付き</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show</source>
        <translation>表示</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Which images the grid shows</source>
        <translation>グリッドに表示する画像</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show choices</source>
        <translation>表示の選択肢</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Kinds of images the grid can show</source>
        <translation>グリッドに表示できる画像の種類</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>S&amp;how:</source>
        <translation>表示(&amp;H):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Dataset order</source>
        <translation>データセットの順</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Caption length</source>
        <translation>キャプションの長さ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Review status</source>
        <translation>レビューの状態</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Least confident first</source>
        <translation>確信度の低い順</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sort by</source>
        <translation>並べ替え</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Order of the images in the grid</source>
        <translation>グリッドでの画像の並び順</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sort choices</source>
        <translation>並べ替えの選択肢</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Orders the grid can use</source>
        <translation>グリッドで使える並び順</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>S&amp;ort:</source>
        <translation>並べ替え(&amp;O):</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Thumbnail size</source>
        <translation>サムネイルのサイズ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Size of the images in the grid; Ctrl+mouse wheel over the grid too</source>
        <translation>グリッドの画像の大きさ。グリッド上で Ctrl+マウスホイールでも変えられます</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Si&amp;ze:</source>
        <translation>サイズ(&amp;Z):</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Dataset files (*.json *.jsonl *.csv *.parquet *.txt *.token);;All files (*)</source>
        <translation>データセットファイル (*.json *.jsonl *.csv *.parquet *.txt *.token);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Opening %1…</source>
        <translation>%1 を開いています…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Checking images</source>
        <translation>画像を確認しています</translation>
    </message>
    <message numerus="yes">
        <location line="+16"/>
        <source>%n unreadable image(s)</source>
        <translation>
            <numerusform>読み込めない画像 %Ln 枚</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n image(s) without caption</source>
        <translation>
            <numerusform>キャプションのない画像 %Ln 枚</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n caption(s) whose image is missing</source>
        <translation>
            <numerusform>画像が見つからないキャプション %Ln 件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n group(s) of duplicate images</source>
        <translation>
            <numerusform>重複画像 %Ln 組</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>, </source>
        <comment>between the problems of a list</comment>
        <translation>、</translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>%n image(s)</source>
        <translation>
            <numerusform>%Ln 枚の画像</numerusform>
        </translation>
    </message>
    <message>
        <location line="-9"/>
        <source>⚠ Problems: %1. &lt;a href=&quot;#problems&quot;&gt;Show images with problems&lt;/a&gt;</source>
        <translation>⚠ 問題: %1。&lt;a href=&quot;#problems&quot;&gt;問題のある画像を表示&lt;/a&gt;</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 of %2 shown</source>
        <translation>%L2 枚中 %L1 枚を表示</translation>
    </message>
    <message>
        <location filename="../../ui/src/dataset_page_actions.cpp" line="+40"/>
        <source>&amp;Undo</source>
        <translation>元に戻す(&amp;U)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Take back the last caption change</source>
        <translation>直前のキャプションの変更を取り消します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Redo</source>
        <translation>やり直し(&amp;R)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Apply the caption change again</source>
        <translation>取り消したキャプションの変更をやり直します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Save Captions</source>
        <translation>キャプションを保存(&amp;S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Write the edited captions to the dataset (the previous file is kept as .bak)</source>
        <translation>編集したキャプションをデータセットに書き込みます (以前のファイルは .bak として残ります)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Find…</source>
        <translation>検索(&amp;F)…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Search the captions and file names</source>
        <translation>キャプションとファイル名を検索します</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Review Mode</source>
        <translation>レビューモード(&amp;R)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show the review controls to step through the images</source>
        <translation>レビュー用の操作部を表示して画像を順に確認します</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Accept</source>
        <translation>承認(&amp;A)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Accept the caption (as edited) and go to the next image</source>
        <translation>キャプションを (編集した内容で) 承認し、次の画像に進みます</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Flag…</source>
        <translation>フラグを付ける(&amp;F)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Flag the image: choose or type a reason, then press Enter</source>
        <translation>画像にフラグを付けます。理由を選ぶか入力して Enter を押してください</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Next Image</source>
        <translation>次の画像(&amp;N)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Go to the next image in the grid</source>
        <translation>グリッドの次の画像に移動します</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Previous Image</source>
        <translation>前の画像(&amp;P)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Go to the previous image in the grid</source>
        <translation>グリッドの前の画像に移動します</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Use Previous Caption</source>
        <translation>前のキャプションを使う(&amp;U)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start from the previous image&apos;s caption</source>
        <translation>前の画像のキャプションを元に編集を始めます</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Edit Caption</source>
        <translation>キャプションを編集(&amp;E)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move the keyboard focus to the caption editor</source>
        <translation>キーボードフォーカスをキャプションの編集欄に移します</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>E&amp;xport Review…</source>
        <translation>レビュー結果のエクスポート(&amp;X)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save every image&apos;s review status as CSV or JSON Lines</source>
        <translation>すべての画像のレビューの状態を CSV または JSON Lines で保存します</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Import Captions…</source>
        <translation>キャプションのインポート(&amp;I)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Take in captions a model wrote to a file (captioner caption --json, or the Caption page&apos;s export) for review, with their confidence</source>
        <translation>モデルがファイルに書き出したキャプション (captioner caption --json やキャプションページのエクスポート) を確信度ごとレビュー用に取り込みます</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Read-only: captions inside a Parquet file cannot be changed here</source>
        <translation>読み取り専用: Parquet ファイル内のキャプションはここでは変更できません</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Read-only: captions inside a Parquet file cannot be changed here; `captioner dataset convert` makes an editable copy</source>
        <translation>読み取り専用: Parquet ファイル内のキャプションはここでは変更できません。`captioner dataset convert` で編集できるコピーを作れます</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Add captions from the model</source>
        <translation>モデルのキャプションを追加</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <location filename="../../ui/src/dataset_page_import.cpp" line="+141"/>
        <source>%n image(s) got the model&apos;s caption for review (save with Ctrl+S)</source>
        <translation>
            <numerusform>%Ln 枚の画像にレビュー用のモデルのキャプションを付けました (Ctrl+S で保存)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <location filename="../../ui/src/dataset_page_import.cpp" line="+4"/>
        <source>%n already had a caption and kept it</source>
        <translation>
            <numerusform>%Ln 枚はすでにキャプションがあったのでそのままにしました</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n not in the open dataset: %1</source>
        <translation>
            <numerusform>%Ln 枚は開いているデータセットにありません: %1</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../../ui/src/dataset_page_import.cpp" line="+10"/>
        <source>; </source>
        <comment>between the parts of a summary</comment>
        <translation>。</translation>
    </message>
    <message>
        <location line="+0"/>
        <location filename="../../ui/src/dataset_page_import.cpp" line="+1"/>
        <source>.</source>
        <comment>ends a summary</comment>
        <translation>。</translation>
    </message>
    <message>
        <location line="+96"/>
        <source>Type or choose a reason to flag the image</source>
        <translation>画像にフラグを付ける理由を入力するか選んでください</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>There is no previous image</source>
        <translation>前の画像がありません</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Captions saved</source>
        <translation>キャプションを保存しました</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Could not save: %1</source>
        <translation>保存できませんでした: %1</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Export Review</source>
        <translation>レビュー結果のエクスポート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CSV (*.csv);;JSON Lines (*.jsonl)</source>
        <translation>CSV ファイル (*.csv);;JSON Lines ファイル (*.jsonl)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Review exported to %1</source>
        <translation>レビュー結果を %1 にエクスポートしました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Could not export the review: %1</source>
        <translation>レビュー結果をエクスポートできませんでした: %1</translation>
    </message>
    <message>
        <location filename="../../ui/src/dataset_page_import.cpp" line="-112"/>
        <location line="+62"/>
        <source>Import Captions</source>
        <translation>キャプションのインポート</translation>
    </message>
    <message>
        <location line="-62"/>
        <source>Caption files (*.jsonl *.json *.ndjson *.csv);;All files (*)</source>
        <translation>キャプションファイル (*.jsonl *.json *.ndjson *.csv);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Open a dataset first, then import captions into it.</source>
        <translation>先にデータセットを開いてから、そこへキャプションをインポートしてください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Could not import captions: captions inside a Parquet file cannot be changed here.</source>
        <translation>キャプションをインポートできませんでした: Parquet ファイル内のキャプションはここでは変更できません。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Importing captions from %1…</source>
        <translation>%1 からキャプションをインポートしています…</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Import of %1 dropped: another dataset was opened meanwhile.</source>
        <translation>%1 のインポートを取りやめました: その間に別のデータセットが開かれました。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Could not import captions: %1</source>
        <translation>キャプションをインポートできませんでした: %1</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Import Captions from %1</source>
        <translation>%1 からキャプションをインポート</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>, %n with its confidence</source>
        <translation>
            <numerusform>、うち %Ln 枚は確信度付き</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n matched by file name alone (the folders differ)</source>
        <translation>
            <numerusform>%Ln 枚はファイル名だけで対応付けました (フォルダーが異なります)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n not in the open dataset (%1)</source>
        <translation>
            <numerusform>%Ln 枚は開いているデータセットにありません (%1)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n left out: more than one image of the dataset has that name (%1)</source>
        <translation>
            <numerusform>%Ln 枚は除外しました: データセットに同じ名前の画像が複数あります (%1)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n line(s) repeated an image named earlier and were ignored</source>
        <translation>
            <numerusform>%Ln 行は前に出てきた画像の繰り返しなので無視しました</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n line(s) for images the model could not caption, skipped</source>
        <translation>
            <numerusform>%Ln 行はモデルがキャプションを生成できなかった画像なので飛ばしました</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Imported %1: %2</source>
        <translation>%1 をインポートしました: %2</translation>
    </message>
</context>
<context>
    <name>captioner::ui::DetailPane</name>
    <message>
        <location filename="../../ui/src/detail_pane.cpp" line="+37"/>
        <source>%1 × %2 px</source>
        <translation>%1 × %2 px</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n channel(s)</source>
        <translation>
            <numerusform>%Ln チャンネル</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1-bit</source>
        <translation>%1 ビット</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>split: %1</source>
        <translation>分割: %1</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Selected image</source>
        <translation>選択した画像</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Captions of the image</source>
        <translation>画像のキャプション</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every caption of the selected image; choose one to edit it below</source>
        <translation>選択した画像のすべてのキャプション。選ぶと下で編集できます</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Caption</source>
        <translation>キャプション</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit the caption; every change can be undone with Ctrl+Z and is written to disk with Ctrl+S</source>
        <translation>キャプションを編集します。変更は Ctrl+Z で元に戻せ、Ctrl+S でディスクに書き込まれます</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No caption yet: type one here</source>
        <translation>キャプションはまだありません。ここに入力してください</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Model confidence</source>
        <translation>モデルの確信度</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>C&amp;aption:</source>
        <translation>キャプション(&amp;A):</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reading file…</source>
        <translation>ファイルを読み込み中…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>No image selected</source>
        <translation>画像が選ばれていません</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Select an image in the grid to see it here.</source>
        <translation>グリッドで画像を選ぶと、ここに表示されます。</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>%1. %2</source>
        <translation>%1. %2</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>(empty)</source>
        <translation>(空)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No captions</source>
        <translation>キャプションなし</translation>
    </message>
    <message numerus="yes">
        <location line="+33"/>
        <source>%n character(s)</source>
        <translation>
            <numerusform>%Ln 文字</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Empty caption: screen readers will have nothing to say for this image.</source>
        <translation>キャプションが空です。スクリーンリーダーはこの画像について何も読み上げられません。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> — %1 over the ~%2-character alt-text guidance; consider a shorter caption</source>
        <translation> — 代替テキストの目安 (約 %2 文字) を %1 文字超えています。短くすることを検討してください</translation>
    </message>
    <message>
        <location line="+3"/>
        <source> (alt-text guidance: about %1 at most)</source>
        <translation> (代替テキストの目安: 最大約 %1 文字)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Edit the caption (%1); Ctrl+Z undoes, Ctrl+S saves</source>
        <translation>キャプションを編集します (%1)。Ctrl+Z で元に戻し、Ctrl+S で保存します</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>This image cannot be shown: %1</source>
        <translation>この画像は表示できません: %1</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Model confidence %1% (in the model&apos;s caption; the caption was edited since)</source>
        <translation>モデルの確信度 %1%（モデルのキャプションに対する値。その後キャプションは編集されています）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 (%2%)</source>
        <comment>an uncertain word and its confidence</comment>
        <translation>%1（%2%）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model confidence %1%</source>
        <translation>モデルの確信度 %1%</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>; </source>
        <comment>joins parts of a card&apos;s description</comment>
        <translation>、</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>uncertain words: %1</source>
        <translation>不確かな単語：%1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>, </source>
        <comment>joins the uncertain words of a caption</comment>
        <translation>、</translation>
    </message>
</context>
<context>
    <name>captioner::ui::HubCacheDialog</name>
    <message>
        <location filename="../../ui/src/hub_cache_dialog.cpp" line="+44"/>
        <source>Hugging Face Cache</source>
        <translation>Hugging Face キャッシュ</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cache summary</source>
        <translation>キャッシュの概要</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cached repositories</source>
        <translation>キャッシュ済みのリポジトリ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Models and datasets in the Hugging Face cache; Enter opens the selected one</source>
        <translation>Hugging Face キャッシュにあるモデルとデータセット。Enter で選んだものを開きます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repository</source>
        <translation>リポジトリ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Type</source>
        <translation>種類</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Revisions</source>
        <translation>リビジョン</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Size</source>
        <translation>サイズ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Files</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Updated</source>
        <translation>更新日時</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Open</source>
        <translation>開く(&amp;O)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open the selected model on the Caption page, or the dataset on the Dataset page</source>
        <translation>選んだモデルをキャプションページで、データセットをデータセットページで開きます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show &amp;Folder</source>
        <translation>フォルダーを表示(&amp;F)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show the selected snapshot&apos;s folder in the file manager</source>
        <translation>選んだスナップショットのフォルダーをファイルマネージャーで表示します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Download…</source>
        <translation>ダウンロード(&amp;D)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Download another model or dataset from the Hub</source>
        <translation>Hub から別のモデルやデータセットをダウンロードします</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Refresh</source>
        <translation>再読み込み(&amp;R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scan the cache again</source>
        <translation>キャッシュをもう一度調べます</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Scanning %1…</source>
        <translation>%1 を調べています…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Dataset</source>
        <translation>データセット</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>no snapshot</source>
        <translation>スナップショットなし</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Nothing downloaded yet</source>
        <translation>まだ何もダウンロードされていません</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The Hugging Face cache %1 holds no models or datasets yet. Download one, or use Python&apos;s huggingface_hub: Captioner shares its cache.</source>
        <translation>Hugging Face キャッシュ %1 にはまだモデルもデータセットもありません。ダウンロードするか、Python の huggingface_hub を使ってください。Captioner はそのキャッシュを共有します。</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n repositories, %1 in %2 (shared with Python&apos;s huggingface_hub).</source>
        <translation>
            <numerusform>%Ln 個のリポジトリ、%2 に %1 (Python の huggingface_hub と共有)。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>captioner::ui::HubDownloadDialog</name>
    <message>
        <location filename="../../ui/src/hub_download_dialog.cpp" line="+27"/>
        <source>Download from Hugging Face</source>
        <translation>Hugging Face からダウンロード</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Repository id</source>
        <translation>リポジトリ ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The Hub repository to download, as namespace/name</source>
        <translation>ダウンロードする Hub のリポジトリ (namespace/name の形式)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dataset</source>
        <translation>データセット</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repository type</source>
        <translation>リポジトリの種類</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Whether the repository is a model or a dataset</source>
        <translation>リポジトリがモデルかデータセットか</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Revision</source>
        <translation>リビジョン</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Branch, tag or commit hash to download</source>
        <translation>ダウンロードするブランチ、タグ、またはコミットハッシュ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Download &amp;every file (not only what a GIT checkpoint needs)</source>
        <translation>すべてのファイルをダウンロード (GIT チェックポイントに必要なものだけでなく)(&amp;E)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every file</source>
        <translation>すべてのファイル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Models: also fetch files Captioner does not use, such as PyTorch .bin weights</source>
        <translation>モデルの場合: PyTorch の .bin 重みなど、Captioner が使わないファイルも取得します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Repository:</source>
        <translation>リポジトリ(&amp;R):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Type:</source>
        <translation>種類(&amp;T):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re&amp;vision:</source>
        <translation>リビジョン(&amp;V):</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>From %1 into %2. %3</source>
        <translation>%1 から %2 へ。%3</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No token: private and gated repositories need HF_TOKEN.</source>
        <translation>トークンがありません。非公開やアクセス制限付きのリポジトリには HF_TOKEN が必要です。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Using your Hugging Face token.</source>
        <translation>あなたの Hugging Face トークンを使います。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Download source and cache</source>
        <translation>ダウンロード元とキャッシュ</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Download progress</source>
        <translation>ダウンロードの進行状況</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bytes downloaded of the files needed</source>
        <translation>必要なファイルのうちダウンロード済みのバイト数</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Download log</source>
        <translation>ダウンロードのログ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>What the download did, file by file, and any error</source>
        <translation>ファイルごとのダウンロードの記録とエラー</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Download</source>
        <translation>ダウンロード(&amp;D)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Download</source>
        <translation>ダウンロード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fetch the repository into the Hugging Face cache</source>
        <translation>リポジトリを Hugging Face キャッシュに取得します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Cancel Download</source>
        <translation>ダウンロードをキャンセル(&amp;C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel download</source>
        <translation>ダウンロードをキャンセル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop; what was fetched stays in the cache and the next download resumes it</source>
        <translation>中止します。取得済みの分はキャッシュに残り、次回のダウンロードで続きから再開します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Open</source>
        <translation>開く(&amp;O)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open</source>
        <translation>開く</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open the downloaded model or dataset</source>
        <translation>ダウンロードしたモデルやデータセットを開きます</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>Starting…</source>
        <translation>開始しています…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Done</source>
        <translation>完了</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ready in %1</source>
        <translation>%1 に準備できました</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Stopped</source>
        <translation>中止しました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Error: %1</source>
        <translation>エラー: %1</translation>
    </message>
</context>
<context>
    <name>captioner::ui::HubPushDialog</name>
    <message>
        <location filename="../../ui/src/hub_push_dialog.cpp" line="+31"/>
        <source>Push to Hugging Face Hub</source>
        <translation>Hugging Face Hub にプッシュ</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Upload the model in %1 to a repository on the Hub, in one commit. Checkpoint folders stay here.</source>
        <translation>%1 のモデルを 1 回のコミットで Hub のリポジトリにアップロードします。チェックポイントのフォルダーはここに残ります。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>your-name/%1</source>
        <translation>ユーザー名/%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repository id</source>
        <translation>リポジトリ ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>namespace/name of the model repository; it is created when missing</source>
        <translation>モデルリポジトリの namespace/name。存在しなければ作成されます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Private repository</source>
        <translation>非公開リポジトリ(&amp;P)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Private</source>
        <translation>非公開</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Create the repository as private (only when it does not exist yet)</source>
        <translation>リポジトリを非公開で作成します (まだ存在しない場合のみ)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Branch</source>
        <translation>ブランチ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The branch the commit goes to</source>
        <translation>コミット先のブランチ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Upload model with Captioner</source>
        <translation>Captioner でモデルをアップロード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Commit message</source>
        <translation>コミットメッセージ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Summary of the commit</source>
        <translation>コミットの概要</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>derived from the training recipe</source>
        <translation>学習レシピから取得</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Base model</source>
        <translation>ベースモデル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hub id of the model this one was fine-tuned from, for the model card</source>
        <translation>ファインチューニングの元になったモデルの Hub ID (モデルカード用)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Repository:</source>
        <translation>リポジトリ(&amp;R):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Branch:</source>
        <translation>ブランチ(&amp;B):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Commit &amp;message:</source>
        <translation>コミットメッセージ(&amp;M):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Base mo&amp;del:</source>
        <translation>ベースモデル(&amp;D):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No Hugging Face token found: set HF_TOKEN or run `huggingface-cli login` with a write token, then open this dialog again.</source>
        <translation>Hugging Face トークンが見つかりません。HF_TOKEN を設定するか、書き込み用トークンで `huggingface-cli login` を実行してから、このダイアログを開き直してください。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pushing to %1 with your Hugging Face token.</source>
        <translation>あなたの Hugging Face トークンで %1 にプッシュします。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Token status</source>
        <translation>トークンの状態</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Model &amp;card (README.md):</source>
        <translation>モデルカード (README.md)(&amp;C):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Model card</source>
        <translation>モデルカード</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The README.md that goes with the model</source>
        <translation>モデルに添える README.md</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Upload progress</source>
        <translation>アップロードの進行状況</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Bytes of large files uploaded</source>
        <translation>大きなファイルのアップロード済みバイト数</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Push log</source>
        <translation>プッシュのログ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>What the push did and any error</source>
        <translation>プッシュの記録とエラー</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Push</source>
        <translation>プッシュ(&amp;P)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Push</source>
        <translation>プッシュ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Create the repository if needed and upload the folder</source>
        <translation>必要ならリポジトリを作成し、フォルダーをアップロードします</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Cancel Push</source>
        <translation>プッシュをキャンセル(&amp;C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel push</source>
        <translation>プッシュをキャンセル</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stop the upload; nothing is committed</source>
        <translation>アップロードを中止します。何もコミットされません</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>(README.md cannot be read: %1)</source>
        <translation>(README.md を読み込めません: %1)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The model card cannot be written: %1</source>
        <translation>モデルカードを書き込めません: %1</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Hashing the files…</source>
        <translation>ファイルのハッシュを計算しています…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Pushed</source>
        <translation>プッシュしました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Committed %1 %2</source>
        <translation>%1 %2 をコミットしました</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stopped</source>
        <translation>中止しました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Error: %1</source>
        <translation>エラー: %1</translation>
    </message>
</context>
<context>
    <name>captioner::ui::MainWindow</name>
    <message>
        <location filename="../../ui/src/main_window.cpp" line="+53"/>
        <source>Captioner</source>
        <translation>Captioner</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+199"/>
        <source>&amp;Dataset</source>
        <translation>データセット(&amp;D)</translation>
    </message>
    <message>
        <location line="-198"/>
        <location line="+80"/>
        <location line="+118"/>
        <source>&amp;Train</source>
        <translation>学習(&amp;T)</translation>
    </message>
    <message>
        <location line="-197"/>
        <location line="+197"/>
        <source>&amp;Caption</source>
        <translation>キャプション(&amp;C)</translation>
    </message>
    <message>
        <location line="-196"/>
        <location line="+2"/>
        <source>Pages</source>
        <translation>ページ</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Dataset, Train and Caption pages; Ctrl+1 to Ctrl+3 switch between them</source>
        <translation>データセット、学習、キャプションの各ページ。Ctrl+1～Ctrl+3 で切り替えます</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Scroll the page tabs</source>
        <translation>ページのタブをスクロール</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>&amp;Train (%1%)</source>
        <translation>学習(&amp;T) (%1%)</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Model %1 loaded</source>
        <translation>モデル %1 を読み込みました</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open &amp;Dataset Folder…</source>
        <translation>データセットフォルダーを開く(&amp;D)…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open a folder of images, or a folder holding a dataset&apos;s caption files, as the dataset</source>
        <translation>画像のフォルダー、またはデータセットのキャプションファイルがあるフォルダーをデータセットとして開きます</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open Dataset &amp;File…</source>
        <translation>データセットファイルを開く(&amp;F)…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open a dataset file: metadata.jsonl or .csv, a COCO captions .json, a Flickr token file or a .parquet</source>
        <translation>データセットファイル (metadata.jsonl または .csv、COCO キャプションの .json、Flickr のトークンファイル、.parquet) を開きます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open &amp;Model…</source>
        <translation>モデルを開く(&amp;M)…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open a GIT model folder (config.json, model.safetensors, vocab.txt)</source>
        <translation>GIT モデルのフォルダー (config.json、model.safetensors、vocab.txt) を開きます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open D&amp;emo Dataset</source>
        <translation>デモデータセットを開く(&amp;E)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open the built-in dataset of generated shapes with their captions</source>
        <translation>図形の画像とそのキャプションからなる内蔵のデータセットを開きます</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Download from &amp;Hugging Face…</source>
        <translation>Hugging Face からダウンロード(&amp;H)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Download a model or dataset from the Hugging Face Hub into the shared cache</source>
        <translation>Hugging Face Hub からモデルやデータセットを共有キャッシュにダウンロードします</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hugging Face &amp;Cache…</source>
        <translation>Hugging Face キャッシュ(&amp;C)…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Models and datasets already downloaded, also by Python&apos;s huggingface_hub</source>
        <translation>ダウンロード済みのモデルとデータセット (Python の huggingface_hub でダウンロードしたものも含む)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Recent</source>
        <translation>最近使ったもの(&amp;R)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Edit</source>
        <translation>編集(&amp;E)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Preferences…</source>
        <translation>環境設定(&amp;P)…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Threads, device, default decoding, thumbnail size and theme</source>
        <translation>スレッド数、デバイス、既定のデコード設定、サムネイルのサイズ、テーマ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Review</source>
        <translation>レビュー(&amp;R)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Main</source>
        <translation>メイン</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Main toolbar</source>
        <translation>メインツールバー</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Show the %1 page</source>
        <translation>%1ページを表示します</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Zoom &amp;In</source>
        <translation>拡大(&amp;I)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Zoom &amp;Out</source>
        <translation>縮小(&amp;O)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Reset Zoom</source>
        <translation>拡大率をリセット(&amp;R)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Full Screen</source>
        <translation>全画面表示(&amp;F)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>C&amp;aption</source>
        <translation>キャプション(&amp;A)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>キーボードショートカット(&amp;K)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;About Captioner</source>
        <translation>Captioner について(&amp;A)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Open Dataset Folder</source>
        <translation>データセットフォルダーを開く</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Open Dataset File</source>
        <translation>データセットファイルを開く</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Open Model Folder</source>
        <translation>モデルフォルダーを開く</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Open Dataset</source>
        <translation>データセットを開く</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 does not exist.</source>
        <translation>%1 は存在しません。</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>%1[*] — Captioner</source>
        <translation>%1[*] — Captioner</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Opened dataset %1</source>
        <translation>データセット %1 を開きました</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Could not open %1: %2</source>
        <translation>%1 を開けませんでした: %2</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Open Model</source>
        <translation>モデルを開く</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 is not a folder.</source>
        <translation>%1 はフォルダーではありません。</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Opening %1 for captioning</source>
        <translation>キャプション生成用に %1 を開いています</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Model: %1</source>
        <translation>モデル: %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Dataset: %1</source>
        <translation>データセット: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 (unavailable)</source>
        <translation>%1 (使用不可)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No recent folders</source>
        <translation>最近使ったフォルダーはありません</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Clear Recent</source>
        <translation>履歴を消去(&amp;C)</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Threads: %1 of %2 · %3 · captions in %4 · %5</source>
        <translation>スレッド: %1 / %2 · %3 · キャプション: %4 · %5</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>About Captioner</source>
        <translation>Captioner について</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;h3&gt;Captioner %1&lt;/h3&gt;&lt;p&gt;Image captioning with the GIT model (Hugging Face GitForCausalLM checkpoints): browse a dataset, fine-tune, caption.&lt;/p&gt;&lt;p&gt;%2&lt;br&gt;Threads: %3 of %4&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Captioner %1&lt;/h3&gt;&lt;p&gt;GIT モデル (Hugging Face の GitForCausalLM チェックポイント) による画像キャプション生成: データセットの閲覧、ファインチューニング、キャプション生成。&lt;/p&gt;&lt;p&gt;%2&lt;br&gt;スレッド: %3 / %4&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Training Is Running</source>
        <translation>学習を実行中です</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fine-tuning is still running. Cancel it (a checkpoint is saved first, so it can be resumed) and close, or keep it running?</source>
        <translation>ファインチューニングはまだ実行中です。キャンセルして閉じますか (先にチェックポイントを保存するので、後で再開できます)、それとも実行を続けますか?</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel Training and Close</source>
        <translation>学習をキャンセルして閉じる</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep Training</source>
        <translation>学習を続ける</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Unsaved Captions</source>
        <translation>未保存のキャプション</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Some captions were edited but not saved. Save them before closing?</source>
        <translation>編集したまま保存していないキャプションがあります。閉じる前に保存しますか?</translation>
    </message>
    <message>
        <location line="-51"/>
        <source>native bf16</source>
        <translation>bf16 ネイティブ対応</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no native bf16</source>
        <translation>bf16 ネイティブ非対応</translation>
    </message>
</context>
<context>
    <name>captioner::ui::ModelManager</name>
    <message>
        <location filename="../../ui/src/model_manager.cpp" line="-173"/>
        <source>Checking files</source>
        <translation>ファイルを確認しています</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reading config</source>
        <translation>設定を読み込んでいます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Loading weights</source>
        <translation>重みを読み込んでいます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Loading tokenizer</source>
        <translation>トークナイザーを読み込んでいます</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 is not a folder.</source>
        <translation>%1 はフォルダーではありません。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 is not a GIT model folder: config.json is missing.</source>
        <translation>%1 は GIT モデルのフォルダーではありません。config.json がありません。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 is not a GIT checkpoint: %2</source>
        <translation>%1 は GIT チェックポイントではありません: %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 has only pytorch_model.bin: model.safetensors is missing (pickle files are not read; save the model with safe_serialization=True).</source>
        <translation>%1 には pytorch_model.bin しかなく、model.safetensors がありません (pickle ファイルは読み込みません。safe_serialization=True でモデルを保存してください)。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 is not a complete GIT checkpoint: model.safetensors is missing.</source>
        <translation>%1 は完全な GIT チェックポイントではありません。model.safetensors がありません。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 has no tokenizer: tokenizer.json, vocab.txt or tokenizer.model is missing.</source>
        <translation>%1 にはトークナイザーがありません。tokenizer.json、vocab.txt、tokenizer.model のいずれもありません。</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>Could not load the model in %1: %2</source>
        <translation>%1 のモデルを読み込めませんでした: %2</translation>
    </message>
    <message>
        <location line="+98"/>
        <source>Preparing the demo data and the untrained model</source>
        <translation>デモデータと未学習のモデルを準備しています</translation>
    </message>
    <message>
        <location line="+19"/>
        <location line="+3"/>
        <source>cancelled</source>
        <translation>キャンセルしました</translation>
    </message>
</context>
<context>
    <name>captioner::ui::ModelPanel</name>
    <message>
        <location filename="../../ui/src/model_panel.cpp" line="+32"/>
        <source>%1 (%2 M)</source>
        <comment>a count and the count in millions</comment>
        <translation>%1 (%2 M)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>about %1 left</source>
        <comment>a duration: 3 min 5 s</comment>
        <translation>残り約 %1</translation>
    </message>
    <message>
        <location line="+15"/>
        <location line="+40"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location line="-38"/>
        <source>Open &amp;Model…</source>
        <translation>モデルを開く(&amp;M)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rece&amp;nt</source>
        <translation>最近使ったもの(&amp;N)</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+3"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>The model used for captioning, its facts, and opening another one</source>
        <translation>キャプション生成に使うモデルとその情報、別のモデルを開く操作</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Parameters</source>
        <translation>パラメーター数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Vocabulary</source>
        <translation>語彙</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tokenizer</source>
        <translation>トークナイザー</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Image size</source>
        <translation>画像サイズ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weights</source>
        <translation>重み</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Device</source>
        <translation>デバイス</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Files</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Model progress</source>
        <translation>モデルの進行状況</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Stop loading the model or preparing the demo model (training keeps a checkpoint and continues from it next time)</source>
        <translation>モデルの読み込みやデモモデルの準備を中止します (学習はチェックポイントを残し、次回はそこから続けます)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Model error</source>
        <translation>モデルのエラー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Why the model could not be opened</source>
        <translation>モデルを開けなかった理由</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>&amp;Get %1
from Hugging Face</source>
        <translation>Hugging Face から
%1 を入手(&amp;G)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Get %1 from Hugging Face</source>
        <translation>Hugging Face から %1 を入手</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Download Microsoft&apos;s GIT base model (captions real photos) from the Hugging Face Hub into the shared cache, with progress; an interrupted download resumes; then use it for captioning</source>
        <translation>Microsoft の GIT base モデル (実際の写真のキャプションを生成できます) を Hugging Face Hub から共有キャッシュにダウンロードし、キャプション生成に使います。進行状況を表示し、中断したダウンロードは再開します</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Open model</source>
        <translation>モデルを開く</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose a Hugging Face GIT checkpoint folder (config.json, model.safetensors, tokenizer files)</source>
        <translation>Hugging Face の GIT チェックポイントのフォルダー (config.json、model.safetensors、トークナイザーのファイル) を選びます</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Recent models</source>
        <translation>最近使ったモデル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open one of the models opened before</source>
        <translation>以前に開いたモデルを開きます</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Preparing the demo model…</source>
        <translation>デモモデルを準備しています…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No model chosen yet.</source>
        <translation>モデルはまだ選ばれていません。</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>%1 (unavailable)</source>
        <translation>%1 (使用不可)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open this model</source>
        <translation>このモデルを開きます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This folder no longer exists or holds no config.json</source>
        <translation>このフォルダーはもう存在しないか、config.json がありません</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No recent models</source>
        <translation>最近使ったモデルはありません</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>The built-in demo model is ready: it captions simple shapes, so you can try the app without downloading anything.</source>
        <translation>内蔵のデモモデルが使えます。簡単な図形のキャプションを生成するので、何もダウンロードせずにアプリを試せます。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Use Demo Model</source>
        <translation>デモモデルを使う(&amp;U)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open the demo model made earlier</source>
        <translation>以前に作ったデモモデルを開きます</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No model yet? The built-in demo model learns to caption simple shapes in a few CPU minutes, in the background. For real photos, get a real model from Hugging Face, or open a GIT checkpoint folder.</source>
        <translation>モデルがまだありませんか? 内蔵のデモモデルは、バックグラウンドで CPU で数分学習して簡単な図形のキャプションを生成できるようになります。実際の写真には、Hugging Face から本物のモデルを入手するか、GIT チェックポイントのフォルダーを開いてください。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Prepare Demo Model</source>
        <translation>デモモデルを準備(&amp;P)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Generate the demo images and train the tiny demo model in the background, then use it for captioning</source>
        <translation>デモ用の画像を生成して小さなデモモデルをバックグラウンドで学習し、キャプション生成に使います</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%v of %m</source>
        <translation>%v / %m</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Opening %1…</source>
        <translation>%1 を開いています…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1: %2…</source>
        <translation>%1: %2…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>%1 tokens</source>
        <translation>%1 トークン</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 tokens (tokenizer: %2)</source>
        <translation>%1 トークン (トークナイザー: %2)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 × %1 px</source>
        <translation>%1 × %1 px</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Loaded in %1 s.</source>
        <translation>%1 秒で読み込みました。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Built-in demo model</source>
        <translation>内蔵のデモモデル</translation>
    </message>
    <message>
        <location line="+14"/>
        <location line="+46"/>
        <source>Still using %1.</source>
        <translation>引き続き %1 を使います。</translation>
    </message>
    <message>
        <location line="-36"/>
        <source>step %v of %m</source>
        <translation>ステップ %v / %m</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1, %2</source>
        <translation>%1、%2</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Demo model ready; opening it…</source>
        <translation>デモモデルができました。開いています…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cancelled</source>
        <translation>キャンセルしました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Demo model cancelled; preparing it again continues where it stopped.</source>
        <translation>デモモデルの準備をキャンセルしました。もう一度準備すると、止まったところから続けます。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The demo model could not be made: %1</source>
        <translation>デモモデルを作れませんでした: %1</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Cancelling: saving a checkpoint first…</source>
        <translation>キャンセルしています。先にチェックポイントを保存しています…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Loading cancelled.</source>
        <translation>読み込みをキャンセルしました。</translation>
    </message>
</context>
<context>
    <name>captioner::ui::ReviewPanel</name>
    <message>
        <location filename="../../ui/src/review_panel.cpp" line="+50"/>
        <source>Review progress</source>
        <translation>レビューの進行状況</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Images reviewed so far</source>
        <translation>これまでにレビューした画像</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Caption does not match the image</source>
        <translation>キャプションが画像と合っていない</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Caption is too vague</source>
        <translation>キャプションがあいまいすぎる</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Caption is too long</source>
        <translation>キャプションが長すぎる</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Caption has spelling or grammar errors</source>
        <translation>キャプションに誤字や文法の誤りがある</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Image is unusable</source>
        <translation>画像が使えない</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Flag reason</source>
        <translation>フラグの理由</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Why the image is flagged: pick a reason or type one, then press Enter to flag</source>
        <translation>画像にフラグを付ける理由。選ぶか入力して、Enter でフラグを付けます</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Flag reasons</source>
        <translation>フラグの理由の一覧</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Common reasons for flagging an image</source>
        <translation>画像にフラグを付けるよくある理由</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Flag &amp;reason:</source>
        <translation>フラグの理由(&amp;R):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&lt;b&gt;Review&lt;/b&gt;</source>
        <translation>&lt;b&gt;レビュー&lt;/b&gt;</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>F&amp;lag</source>
        <translation>フラグ(&amp;L)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Flag</source>
        <translation>フラグ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Flag the image with the reason beside and go to the next image</source>
        <translation>横の理由で画像にフラグを付け、次の画像に進みます</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>%1 of %2 reviewed · %3 accepted · %4 edited · %5 flagged</source>
        <translation>%L2 枚中 %L1 枚レビュー済み · 承認 %L3 · 編集 %L4 · フラグ %L5</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No image selected.</source>
        <translation>画像が選ばれていません。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1: not reviewed yet</source>
        <translation>%1: 未レビュー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1: accepted</source>
        <translation>%1: 承認済み</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1: accepted after editing</source>
        <translation>%1: 編集して承認済み</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: flagged — %2</source>
        <translation>%1: フラグ付き — %2</translation>
    </message>
</context>
<context>
    <name>captioner::ui::SettingsDialog</name>
    <message>
        <location filename="../../ui/src/settings_dialog.cpp" line="+44"/>
        <source>Preferences</source>
        <translation>環境設定</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>All cores (%1)</source>
        <translation>すべてのコア (%1)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Threads</source>
        <translation>スレッド数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>LibTorch threads for captioning and training; 0 uses all %1 cores. Applies at once.</source>
        <translation>キャプション生成と学習に使う LibTorch のスレッド数。0 で %1 コアすべてを使います。すぐに反映されます。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Automatic (CUDA when available)</source>
        <translation>自動 (使える場合は CUDA)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CUDA (GPU)</source>
        <translation>CUDA (GPU)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>CUDA is not available: %1.</source>
        <translation>CUDA は使えません: %1。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The model is loaded again on the new device when it changes.</source>
        <translation>デバイスを変えると、新しいデバイスでモデルを読み込み直します。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Device</source>
        <translation>デバイス</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Where models run: automatic, CPU or CUDA. %1</source>
        <translation>モデルを実行する場所: 自動、CPU、または CUDA。%1</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Greedy</source>
        <translation>貪欲法</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Beam search</source>
        <translation>ビームサーチ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decoding</source>
        <translation>デコード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Greedy picks the likeliest word at each step; beam search keeps several candidate captions</source>
        <translation>貪欲法は各ステップで最も確率の高い単語を選び、ビームサーチは複数のキャプション候補を保持します</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Beams</source>
        <translation>ビーム数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Candidate captions kept by beam search (2 to 16)</source>
        <translation>ビームサーチで保持するキャプション候補の数 (2～16)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source> tokens</source>
        <translation> トークン</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Maximum length</source>
        <translation>最大長</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Longest caption in tokens, the start token included (2 to 512)</source>
        <translation>キャプションの最大トークン数、開始トークンを含む (2～512)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Length penalty</source>
        <translation>長さペナルティ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Beam search scores a caption by its log-probability over length to this power: above 1 favours longer captions, below 1 shorter ones</source>
        <translation>ビームサーチはキャプションを「対数確率 ÷ 長さのこの値乗」で評価します。1 より大きいと長いキャプション、1 より小さいと短いキャプションが選ばれやすくなります</translation>
    </message>
    <message>
        <location line="+8"/>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thumbnail size</source>
        <translation>サムネイルのサイズ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edge of thumbnails in the dataset grid and on caption cards (64 to 256 pixels)</source>
        <translation>データセットのグリッドとキャプションカードのサムネイルの一辺 (64～256 ピクセル)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Theme</source>
        <translation>テーマ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Colours of the app: the system&apos;s, light, dark or high contrast</source>
        <translation>アプリの配色: システムの設定、ライト、ダーク、ハイコントラスト</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+1"/>
        <source>Takes effect after restarting.</source>
        <translation>再起動後に有効になります。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language of menus and messages: the system&apos;s, English or Japanese. Takes effect after restarting.</source>
        <translation>メニューやメッセージの言語: システムの設定、英語、日本語。再起動後に有効になります。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Performance</source>
        <translation>パフォーマンス</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Threads:</source>
        <translation>スレッド数(&amp;T):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Device:</source>
        <translation>デバイス(&amp;D):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Default decoding for captions</source>
        <translation>キャプションの既定のデコード設定</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>De&amp;coding:</source>
        <translation>デコード(&amp;C):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Beams:</source>
        <translation>ビーム数(&amp;B):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Maximum length:</source>
        <translation>最大長(&amp;M):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Length penalty:</source>
        <translation>長さペナルティ(&amp;L):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Appearance</source>
        <translation>外観</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Thumb&amp;nail size:</source>
        <translation>サムネイルのサイズ(&amp;N):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>T&amp;heme:</source>
        <translation>テーマ(&amp;H):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lan&amp;guage:</source>
        <translation>言語(&amp;G):</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Save and apply the preferences, then close</source>
        <translation>設定を保存して適用し、閉じます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Close without saving the changes not yet applied</source>
        <translation>適用していない変更を保存せずに閉じます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Apply</source>
        <translation>適用</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Save and apply the preferences, keeping this dialog open</source>
        <translation>設定を保存して適用し、このダイアログは開いたままにします</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Restore Defaults</source>
        <translation>既定値に戻す</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Show the default values; OK or Apply saves them</source>
        <translation>既定値を表示します。OK か適用で保存されます</translation>
    </message>
    <message>
        <location line="-92"/>
        <source>fp32 (exact, as transformers)</source>
        <translation>fp32（厳密、transformers と同じ）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>bf16 (faster on CPUs with native bf16)</source>
        <translation>bf16（bf16 ネイティブ対応の CPU で高速）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>int8 (quantized text decoder)</source>
        <translation>int8（テキストデコーダーを量子化）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>bf16 and int8 change captions slightly; the model is loaded again when this changes.</source>
        <translation>bf16 と int8 ではキャプションがわずかに変わります。変更するとモデルを読み込み直します。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>bf16 is not available: %1.</source>
        <translation>bf16 は使えません: %1。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Caption precision</source>
        <translation>キャプションの精度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Arithmetic used for captioning: fp32, bf16 or int8. %1</source>
        <translation>キャプション生成に使う演算: fp32、bf16、int8。%1</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Caption &amp;precision:</source>
        <translation>キャプションの精度(&amp;P):</translation>
    </message>
</context>
<context>
    <name>captioner::ui::ShortcutsDialog</name>
    <message>
        <location filename="../../ui/src/shortcuts_dialog.cpp" line="+38"/>
        <source>Keyboard Shortcuts</source>
        <translation>キーボードショートカット</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Command</source>
        <translation>コマンド</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Shortcut</source>
        <translation>ショートカット</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Keyboard shortcuts</source>
        <translation>キーボードショートカット</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every menu command and the keys that run it</source>
        <translation>すべてのメニューコマンドとそのキー</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Close this list</source>
        <translation>この一覧を閉じます</translation>
    </message>
</context>
<context>
    <name>captioner::ui::ThumbnailDelegate</name>
    <message>
        <location filename="../../ui/src/thumbnail_delegate.cpp" line="+83"/>
        <source>Cannot show image</source>
        <translation>画像を表示できません</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>✓ accepted</source>
        <translation>✓ 承認済み</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>✎ edited</source>
        <translation>✎ 編集済み</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>⚑ flagged</source>
        <translation>⚑ フラグ付き</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>⚠ unreadable</source>
        <translation>⚠ 読み込めません</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>⚠ no caption</source>
        <translation>⚠ キャプションなし</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>(no caption)</source>
        <translation>(キャプションなし)</translation>
    </message>
</context>
<context>
    <name>captioner::ui::TrainPage</name>
    <message>
        <location filename="../../ui/src/train_page.cpp" line="+71"/>
        <source>Training recipe</source>
        <translation>学習レシピ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Folders and hyper-parameters of the fine-tuning run</source>
        <translation>ファインチューニングのフォルダーとハイパーパラメーター</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>&amp;Start</source>
        <translation>開始(&amp;S)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Check the settings and start fine-tuning</source>
        <translation>設定を確認してファインチューニングを開始します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pa&amp;use</source>
        <translation>一時停止(&amp;U)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Pause after the current step</source>
        <translation>現在のステップが終わったら一時停止します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resu&amp;me</source>
        <translation>再開(&amp;M)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Continue the paused training</source>
        <translation>一時停止した学習を続けます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ca&amp;ncel</source>
        <translation>キャンセル(&amp;N)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop after the current step and save a checkpoint</source>
        <translation>現在のステップが終わったら停止し、チェックポイントを保存します</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Wa&amp;tch Run Folder…</source>
        <translation>実行フォルダーを監視(&amp;T)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Follow a run started elsewhere (the command line, a cluster job, another window) from its output folder, read-only (Ctrl+Shift+W)</source>
        <translation>別の場所 (コマンドライン、クラスターのジョブ、別のウィンドウ) で始めた学習を出力フォルダーから読み取り専用で追跡します (Ctrl+Shift+W)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop Watch&amp;ing</source>
        <translation>監視を停止(&amp;I)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop following the watched run; its charts stay and the form is usable again</source>
        <translation>監視中の学習の追跡をやめます。グラフは残り、フォームは再び使えるようになります</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Watch Run Folder…</source>
        <translation>実行フォルダーを監視…</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Training progress</source>
        <translation>学習の進行状況</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Optimizer steps done of the run&apos;s total</source>
        <translation>全体のうち完了したオプティマイザーのステップ数</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Step %v of %m</source>
        <translation>ステップ %v / %m</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not started.</source>
        <translation>開始していません。</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+2"/>
        <source>Run details</source>
        <translation>実行の詳細</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Sample captions, checkpoints and the log of the run</source>
        <translation>学習のサンプルキャプション、チェックポイント、ログ</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Scroll the run detail tabs</source>
        <translation>実行の詳細のタブをスクロール</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sample captions</source>
        <translation>サンプルキャプション</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Generated captions of held-out images at each evaluation, against their reference</source>
        <translation>評価ごとに検証用の画像に生成したキャプションと、その正解</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Image</source>
        <translation>画像</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Prediction</source>
        <translation>予測</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Reference</source>
        <translation>正解</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Samples</source>
        <translation>サンプル</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+42"/>
        <source>Checkpoints</source>
        <translation>チェックポイント</translation>
    </message>
    <message>
        <location line="-41"/>
        <source>Saved checkpoints with their eval metrics; the best is marked</source>
        <translation>保存したチェックポイントと評価指標。最良のものに印が付きます</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Checkpoint</source>
        <translation>チェックポイント</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Step</source>
        <translation>ステップ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Eval loss</source>
        <translation>評価損失</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>WER (generated)</source>
        <translation>WER (生成)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>WER (teacher-forced)</source>
        <translation>WER (教師強制)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Best</source>
        <translation>最良</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Use for &amp;Captioning</source>
        <translation>キャプション生成に使う(&amp;C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open the selected checkpoint on the Caption page</source>
        <translation>選んだチェックポイントをキャプションページで開きます</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open &amp;Folder</source>
        <translation>フォルダーを開く(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show the selected checkpoint&apos;s folder in the file manager</source>
        <translation>選んだチェックポイントのフォルダーをファイルマネージャーで表示します</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Push to &amp;Hub…</source>
        <translation>Hub にプッシュ(&amp;H)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Upload the run&apos;s model with a model card to a Hugging Face Hub repository</source>
        <translation>学習したモデルをモデルカードと一緒に Hugging Face Hub のリポジトリにアップロードします</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Training log</source>
        <translation>学習のログ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Messages of the training run</source>
        <translation>学習のメッセージ</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Log</source>
        <translation>ログ</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>Training is running: pause or cancel it below. The window stays usable.</source>
        <translation>学習を実行中です。下で一時停止やキャンセルができます。ウィンドウは引き続き使えます。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Open a dataset (Ctrl+O) and a model (Ctrl+Shift+O) to fine-tune.</source>
        <translation>ファインチューニングするには、データセット (Ctrl+O) とモデル (Ctrl+Shift+O) を開いてください。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open a dataset (Ctrl+O) to fine-tune this model on.</source>
        <translation>このモデルをファインチューニングするデータセットを開いてください (Ctrl+O)。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open a model (Ctrl+Shift+O) to fine-tune on this dataset.</source>
        <translation>このデータセットでファインチューニングするモデルを開いてください (Ctrl+Shift+O)。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dataset and model are chosen: check the recipe and press Start.</source>
        <translation>データセットとモデルが選ばれました。レシピを確認して「開始」を押してください。</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Cannot start:
• %1</source>
        <translation>開始できません:
• %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Output Folder in Use</source>
        <translation>出力フォルダーは使用中です</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 already holds a training run. Resume it, or start over (its checkpoints may be replaced)?</source>
        <translation>%1 にはすでに学習の結果があります。再開しますか、それとも最初からやり直しますか (チェックポイントが置き換えられることがあります)?</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Resume</source>
        <translation>再開</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start Over</source>
        <translation>最初からやり直す</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The charts start empty: %1</source>
        <translation>グラフは空の状態から始まります: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Starting: %1 → %2</source>
        <translation>開始: %1 → %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Preparing the data and the model…</source>
        <translation>データとモデルを準備しています…</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Pausing after the current step…</source>
        <translation>現在のステップが終わったら一時停止します…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Cancelling: finishing the current step and saving a checkpoint…</source>
        <translation>キャンセルしています。現在のステップを終えてチェックポイントを保存しています…</translation>
    </message>
    <message>
        <location filename="../../ui/src/train_page_run.cpp" line="+42"/>
        <source>Epoch %1 · step %2 of %3 · %4 samples/s · ETA %5 · loss %6 · lr %7</source>
        <translation>エポック %1 · ステップ %2 / %3 · %4 サンプル/秒 · 残り %5 · 損失 %6 · 学習率 %7</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Started on %1 (%2): %3 training and %4 held-out images, %5 steps (%6 per epoch)%7</source>
        <translation>%1 (%2) で開始: 学習用 %3 枚、検証用 %4 枚、%5 ステップ (1 エポックあたり %6)%7</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>, resumed at step %1</source>
        <translation>、ステップ %1 から再開</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Training: step %1 of %2</source>
        <translation>学習中: ステップ %1 / %2</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Epoch %1 done at step %2</source>
        <translation>エポック %1 がステップ %2 で完了</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Eval at step %1: loss %2, WER %3 (generated), %4 (teacher-forced), ROUGE-L %5, BLEU-4 %6, CIDEr %7</source>
        <translation>ステップ %1 の評価: 損失 %2、WER %3 (生成)、%4 (教師強制)、ROUGE-L %5、BLEU-4 %6、CIDEr %7</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Saved %1%2</source>
        <translation>%1 を保存しました%2</translation>
    </message>
    <message>
        <location line="+0"/>
        <source> (best so far)</source>
        <translation> (これまでの最良)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Skipped step %1: %2</source>
        <translation>ステップ %1 をスキップしました: %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Paused at step %1 of %2.</source>
        <translation>ステップ %1 / %2 で一時停止しました。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paused at step %1</source>
        <translation>ステップ %1 で一時停止しました</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Resumed at step %1</source>
        <translation>ステップ %1 から再開しました</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cancelled at step %1; the checkpoint is saved.</source>
        <translation>ステップ %1 でキャンセルしました。チェックポイントは保存済みです。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finished at step %1. Best: %2</source>
        <translation>ステップ %1 で終了しました。最良: %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Training failed: %1%2</source>
        <translation>学習に失敗しました: %1%2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>
The newest checkpoint is %1; tick Resume to continue from it.</source>
        <translation>
最新のチェックポイントは %1 です。「再開」にチェックを入れると、そこから続けられます。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Failed: %1</source>
        <translation>失敗しました: %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Completed at step %1. The best model is in %2.</source>
        <translation>ステップ %1 で完了しました。最良のモデルは %2 にあります。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancelled at step %1; a checkpoint was saved. Tick Resume and press Start to continue.</source>
        <translation>ステップ %1 でキャンセルしました。チェックポイントを保存しました。続けるには「再開」にチェックを入れて「開始」を押してください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Failed at step %1: %2</source>
        <translation>ステップ %1 で失敗しました: %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Step %1</source>
        <translation>ステップ %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>WER %1</source>
        <translation>WER %1</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>★ best</source>
        <translation>★ 最良</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Cannot show this run: %1</source>
        <translation>この学習の結果を表示できません: %1</translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>Run in %1: %2 of %3 steps, %n checkpoint(s).</source>
        <translation>
            <numerusform>%1 の学習: %3 ステップ中 %2 ステップ、チェックポイント %Ln 個。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Loaded the run in %1</source>
        <translation>%1 の学習を読み込みました</translation>
    </message>
    <message>
        <location filename="../../ui/src/train_page_watch.cpp" line="+34"/>
        <source>Watch Run Folder</source>
        <translation>実行フォルダーを監視</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Watching %1</source>
        <translation>%1 を監視中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reading %1…</source>
        <translation>%1 を読み込んでいます…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Stopped watching %1</source>
        <translation>%1 の監視を停止しました</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>The form shows the watched run&apos;s recipe (per process: batch %1).</source>
        <translation>フォームには監視中の学習のレシピを表示しています (プロセスごとのバッチ: %1)。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The watched run&apos;s recipe cannot be shown: %1</source>
        <translation>監視中の学習のレシピを表示できません: %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Watching %1: the run completed at step %2. A resumed run would show here too.</source>
        <translation>%1 を監視中: 学習はステップ %2 で完了しました。再開された場合もここに表示されます。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Watching %1: the run was cancelled at step %2. A resumed run would show here too.</source>
        <translation>%1 を監視中: 学習はステップ %2 でキャンセルされました。再開された場合もここに表示されます。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Watching %1: the run failed at step %2. A resumed run would show here too.</source>
        <translation>%1 を監視中: 学習はステップ %2 で失敗しました。再開された場合もここに表示されます。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Watching %1, read-only: the run is controlled where it was started. Stop Watching to use the form.</source>
        <translation>%1 を読み取り専用で監視中: 学習は開始した場所で操作します。フォームを使うには監視を停止してください。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Skipped: %1</source>
        <translation>スキップ: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 was truncated or replaced: reading the new file from its start.</source>
        <translation>%1 が切り詰められたか置き換えられました。新しいファイルを先頭から読み込みます。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Waiting for %1: no run has written events there yet.</source>
        <translation>%1 を待っています: まだ学習のイベントが書き込まれていません。</translation>
    </message>
</context>
<context>
    <name>captioner::ui::TrainingCharts</name>
    <message>
        <location filename="../../ui/src/training_charts.cpp" line="+69"/>
        <source>&amp;Log scale</source>
        <translation>対数目盛(&amp;L)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Log scale</source>
        <translation>対数目盛</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show the y axes of the charts on a logarithmic scale</source>
        <translation>グラフの縦軸を対数目盛で表示します</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>S&amp;moothing:</source>
        <translation>平滑化(&amp;M):</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Smoothing</source>
        <translation>平滑化</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Weight of the exponential moving average of the smoothed training loss, as in TensorBoard</source>
        <translation>平滑化した学習損失の指数移動平均の重み (TensorBoard と同じ)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Export &amp;PNG…</source>
        <translation>PNG をエクスポート(&amp;P)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export charts as PNG</source>
        <translation>グラフを PNG でエクスポート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the four charts as one PNG image</source>
        <translation>4 つのグラフを 1 枚の PNG 画像として保存します</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export &amp;CSV…</source>
        <translation>CSV をエクスポート(&amp;C)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export chart data as CSV</source>
        <translation>グラフのデータを CSV でエクスポート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save every charted value, one row per step, as a CSV file</source>
        <translation>グラフのすべての値を、1 ステップ 1 行の CSV ファイルとして保存します</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Training loss</source>
        <translation>学習損失</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+1"/>
        <location line="+2"/>
        <source>loss</source>
        <translation>損失</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>smoothed</source>
        <translation>平滑化</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Eval loss</source>
        <translation>評価損失</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>eval loss</source>
        <translation>評価損失</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Eval WER</source>
        <translation>評価 WER</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>WER</source>
        <translation>WER</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>generated captions</source>
        <translation>生成したキャプション</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>teacher-forced (guide&apos;s metric)</source>
        <translation>教師強制 (ガイドの指標)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Learning rate</source>
        <translation>学習率</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>rate</source>
        <translation>学習率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>learning rate</source>
        <translation>学習率</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>step</source>
        <translation>ステップ</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Chart of %1 by step; hover a line to read its values</source>
        <translation>ステップごとの%1のグラフ。線にマウスを重ねると値を表示します</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>%1
step %2: %3</source>
        <translation>%1
ステップ %2: %3</translation>
    </message>
    <message>
        <location line="+178"/>
        <location line="+3"/>
        <source>Export Charts</source>
        <translation>グラフのエクスポート</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>PNG images (*.png)</source>
        <translation>PNG 画像 (*.png)</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+8"/>
        <source>Could not write %1.</source>
        <translation>%1 に書き込めませんでした。</translation>
    </message>
    <message>
        <location line="-4"/>
        <location line="+3"/>
        <source>Export Chart Data</source>
        <translation>グラフのデータのエクスポート</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV ファイル (*.csv)</translation>
    </message>
</context>
<context>
    <name>captioner::ui::TrainingForm</name>
    <message>
        <location filename="../../ui/src/training_form.cpp" line="+48"/>
        <source>Folders</source>
        <translation>フォルダー</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Model:</source>
        <translation>モデル(&amp;M):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>GIT checkpoint folder to start from</source>
        <translation>学習の元にする GIT チェックポイントのフォルダー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>D&amp;ataset:</source>
        <translation>データセット(&amp;A):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dataset folder or caption file to train on</source>
        <translation>学習に使うデータセットのフォルダーまたはキャプションファイル</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>O&amp;utput:</source>
        <translation>出力先(&amp;U):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Folder for the checkpoints and the final model</source>
        <translation>チェックポイントと最終モデルを保存するフォルダー</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Resume from the newest checkpoint in the output folder</source>
        <translation>出力フォルダーの最新のチェックポイントから再開(&amp;R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Continue a previous run where its newest checkpoint left off; its charts are rebuilt</source>
        <translation>以前の学習を最新のチェックポイントから続けます。グラフも再構築されます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>S&amp;how Run</source>
        <translation>学習結果を表示(&amp;H)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show run</source>
        <translation>学習結果を表示</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show the charts and checkpoints of the run already in the output folder</source>
        <translation>出力フォルダーにある学習結果のグラフとチェックポイントを表示します</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Recipe</source>
        <translation>レシピ</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Automatic (CUDA when available)</source>
        <translation>自動 (使える場合は CUDA)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CUDA GPU</source>
        <translation>CUDA GPU</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Device</source>
        <translation>デバイス</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Where the model trains</source>
        <translation>モデルを学習する場所</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Device:</source>
        <translation>デバイス(&amp;D):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>fp32 (full precision)</source>
        <translation>fp32 (単精度)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>bf16 (autocast)</source>
        <translation>bf16 (autocast)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>fp16 (autocast + loss scaling, CUDA)</source>
        <translation>fp16 (autocast + 損失スケーリング、CUDA)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mixed precision as Hugging Face&apos;s --bf16 / --fp16</source>
        <translation>Hugging Face の --bf16 / --fp16 と同じ混合精度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Precision:</source>
        <translation>精度(&amp;P):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Learning rate:</source>
        <translation>学習率(&amp;L):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AdamW peak learning rate</source>
        <translation>AdamW の最大学習率</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Schedule</source>
        <translation>スケジュール</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How the learning rate changes over the run</source>
        <translation>学習中に学習率をどう変えるか</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sche&amp;dule:</source>
        <translation>スケジュール(&amp;D):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Warm-up ratio:</source>
        <translation>ウォームアップ比率(&amp;W):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Warm-up as a fraction of all steps</source>
        <translation>全ステップに対するウォームアップの割合</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Weight deca&amp;y:</source>
        <translation>重み減衰(&amp;Y):</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>AdamW weight decay</source>
        <translation>AdamW の重み減衰</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Epochs:</source>
        <translation>エポック数(&amp;E):</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Passes over the training images</source>
        <translation>学習用の画像を何周するか</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Batch size:</source>
        <translation>バッチサイズ(&amp;B):</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Images per batch</source>
        <translation>1 バッチあたりの画像数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gradient a&amp;ccumulation:</source>
        <translation>勾配累積(&amp;C):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Batches per optimizer step</source>
        <translation>オプティマイザーの 1 ステップあたりのバッチ数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Data-parallel threads (CPU &amp;only):</source>
        <translation>データ並列スレッド (CPU のみ)(&amp;O):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On the CPU, split each batch over this many threads (1: one thread); runs repeat exactly; for models without dropout</source>
        <translation>CPU で各バッチをこの数のスレッドに分けて学習します (1: 1 スレッド)。結果は毎回同じです。ドロップアウトのないモデル向け</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Ma&amp;x steps:</source>
        <translation>最大ステップ数(&amp;X):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop after this many optimizer steps; &apos;from epochs&apos; lets the epochs decide</source>
        <translation>このオプティマイザーのステップ数で停止します。「エポック数から」ならエポック数で決まります</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>from epochs</source>
        <translation>エポック数から</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lo&amp;g every:</source>
        <translation>ログの間隔(&amp;G):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Steps between training-loss entries in trainer_state.json</source>
        <translation>trainer_state.json に学習損失を記録するステップ間隔</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E&amp;valuate every:</source>
        <translation>評価の間隔(&amp;V):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Steps between evaluations; 0 never evaluates</source>
        <translation>評価のステップ間隔。0 なら評価しません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Save every:</source>
        <translation>保存の間隔(&amp;S):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Steps between checkpoints; 0 saves only at the end</source>
        <translation>チェックポイントのステップ間隔。0 なら最後にだけ保存します</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Keep checkpoints:</source>
        <translation>残すチェックポイント数(&amp;K):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checkpoints kept (the best is always kept); 0 keeps all</source>
        <translation>残すチェックポイントの数 (最良のものは常に残ります)。0 ならすべて残します</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Captions per e&amp;val:</source>
        <translation>評価ごとのキャプション数(&amp;V):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Held-out images captioned at each evaluation for WER; &apos;all&apos; captions every one</source>
        <translation>WER のために評価ごとにキャプションを生成する検証用画像の数。「すべて」ならすべての画像です</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>all</source>
        <translation>すべて</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>See&amp;d:</source>
        <translation>シード(&amp;D):</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Seed of the split, data order and dropout</source>
        <translation>データの分割、データの順序、ドロップアウトの乱数シード</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Guide Defaults</source>
        <translation>ガイドの既定値(&amp;G)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Guide defaults</source>
        <translation>ガイドの既定値</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fill in the recipe of Hugging Face&apos;s image captioning guide</source>
        <translation>Hugging Face の画像キャプションガイドのレシピを入力します</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Demo Reci&amp;pe</source>
        <translation>デモ用レシピ(&amp;P)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Demo recipe</source>
        <translation>デモ用レシピ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fill in the recipe of the tiny demo model (fast on a CPU)</source>
        <translation>小さなデモモデルのレシピ (CPU でも高速) を入力します</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Browse for %1</source>
        <translation>%1を参照</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose the folder in a dialog</source>
        <translation>ダイアログでフォルダーを選びます</translation>
    </message>
</context>
<context>
    <name>captioner::ui::TrainingWorker</name>
    <message>
        <location filename="../../ui/src/training_worker.cpp" line="-62"/>
        <source>Cancelled before it started.</source>
        <translation>開始前にキャンセルされました。</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../../app/gui_main.cpp" line="+41"/>
        <source>Image captioning with the GIT model: browse a dataset, fine-tune, caption.</source>
        <translation>GIT モデルによる画像キャプション生成: データセットの閲覧、ファインチューニング、キャプション生成。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>LibTorch threads for this session (0 = all cores); overrides the setting.</source>
        <translation>このセッションで使う LibTorch のスレッド数 (0 = すべてのコア)。設定より優先されます。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>A dataset folder or dataset file (metadata.jsonl/.csv, COCO .json, Flickr token file, .parquet) to open, and/or image files to caption on the Caption page.</source>
        <translation>開くデータセットのフォルダーまたはデータセットファイル (metadata.jsonl/.csv、COCO の .json、Flickr のトークンファイル、.parquet)、およびキャプションページでキャプションを生成する画像ファイル。</translation>
    </message>
</context>
</TS>
