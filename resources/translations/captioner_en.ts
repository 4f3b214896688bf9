<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>captioner::ui::CaptionPage</name>
    <message numerus="yes">
        <location filename="../../ui/src/caption_page.cpp" line="+75"/>
        <source>%n image(s) already on the page were left as they are.</source>
        <translation>
            <numerusform>%n image already on the page was left as it is.</numerusform>
            <numerusform>%n images already on the page were left as they are.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+201"/>
        <source>%n image(s) in %1</source>
        <translation>
            <numerusform>%n image in %1</numerusform>
            <numerusform>%n images in %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n skipped (caption file present)</source>
        <translation>
            <numerusform>%n skipped (caption file present)</numerusform>
            <numerusform>%n skipped (caption file present)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n restored from an interrupted run</source>
        <translation>
            <numerusform>%n restored from an interrupted run</numerusform>
            <numerusform>%n restored from an interrupted run</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/src/caption_page_export.cpp" line="+34"/>
        <source>Exported %n result(s) to %1.</source>
        <translation>
            <numerusform>Exported %n result to %1.</numerusform>
            <numerusform>Exported %n results to %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+28"/>
        <source>and %n more</source>
        <translation>
            <numerusform>and %n more</numerusform>
            <numerusform>and %n more</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n caption file(s) already exist and would be replaced:
%1</source>
        <translation>
            <numerusform>%n caption file already exists and would be replaced:
%1</numerusform>
            <numerusform>%n caption files already exist and would be replaced:
%1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+18"/>
        <source>Wrote %n caption file(s).</source>
        <translation>
            <numerusform>Wrote %n caption file.</numerusform>
            <numerusform>Wrote %n caption files.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/src/caption_page_run.cpp" line="+173"/>
        <source>Captioning cancelled: %n caption(s) ready</source>
        <translation>
            <numerusform>Captioning cancelled: %n caption ready</numerusform>
            <numerusform>Captioning cancelled: %n captions ready</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Captioning finished: %n caption(s) ready</source>
        <translation>
            <numerusform>Captioning finished: %n caption ready</numerusform>
            <numerusform>Captioning finished: %n captions ready</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>, %n image(s) could not be captioned</source>
        <translation>
            <numerusform>, %n image could not be captioned</numerusform>
            <numerusform>, %n images could not be captioned</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+66"/>
        <source> · about %n s left</source>
        <translation>
            <numerusform> · about %n s left</numerusform>
            <numerusform> · about %n s left</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source> · about %n min left</source>
        <translation>
            <numerusform> · about %n min left</numerusform>
            <numerusform> · about %n min left</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/src/caption_page_compare.cpp" line="+89"/>
        <source>Captioning %n image(s) with %1 to compare…</source>
        <translation>
            <numerusform>Captioning %n image with %1 to compare…</numerusform>
            <numerusform>Captioning %n images with %1 to compare…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+130"/>
        <source>Comparison cancelled after %1 of %n image(s).</source>
        <translation>
            <numerusform>Comparison cancelled after %1 of %n image.</numerusform>
            <numerusform>Comparison cancelled after %1 of %n images.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>Captions differ on %1 of %n image(s).</source>
        <translation>
            <numerusform>Captions differ on %1 of %n image.</numerusform>
            <numerusform>Captions differ on %1 of %n images.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+29"/>
        <source>On %n image(s) with references. A: %1, B: %2.</source>
        <translation>
            <numerusform>On %n image with references. A: %1, B: %2.</numerusform>
            <numerusform>On %n images with references. A: %1, B: %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+17"/>
        <source>On %n image(s) with references, A is %1 and B is %2: %3.</source>
        <translation>
            <numerusform>On %n image with references, A is %1 and B is %2: %3.</numerusform>
            <numerusform>On %n images with references, A is %1 and B is %2: %3.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+56"/>
        <source>Exported the comparison of %n image(s) to %1.</source>
        <translation>
            <numerusform>Exported the comparison of %n image to %1.</numerusform>
            <numerusform>Exported the comparison of %n images to %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>captioner::ui::DatasetPage</name>
    <message numerus="yes">
        <location filename="../../ui/src/dataset_page_actions.cpp" line="+165"/>
        <location filename="../../ui/src/dataset_page_import.cpp" line="+141"/>
        <source>%n image(s) got the model&apos;s caption for review (save with Ctrl+S)</source>
        <translation>
            <numerusform>%n image got the model&apos;s caption for review (save with Ctrl+S)</numerusform>
            <numerusform>%n images got the model&apos;s caption for review (save with Ctrl+S)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <location filename="../../ui/src/dataset_page_import.cpp" line="+4"/>
        <source>%n already had a caption and kept it</source>
        <translation>
            <numerusform>%n already had a caption and kept it</numerusform>
            <numerusform>%n already had captions and kept them</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n not in the open dataset: %1</source>
        <translation>
            <numerusform>%n not in the open dataset: %1</numerusform>
            <numerusform>%n not in the open dataset: %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/src/dataset_page.cpp" line="+333"/>
        <source>%n unreadable image(s)</source>
        <translation>
            <numerusform>%n unreadable image</numerusform>
            <numerusform>%n unreadable images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n image(s) without caption</source>
        <translation>
            <numerusform>%n image without caption</numerusform>
            <numerusform>%n images without caption</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n caption(s) whose image is missing</source>
        <translation>
            <numerusform>%n caption whose image is missing</numerusform>
            <numerusform>%n captions whose image is missing</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n group(s) of duplicate images</source>
        <translation>
            <numerusform>%n group of duplicate images</numerusform>
            <numerusform>%n groups of duplicate images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+13"/>
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n image</numerusform>
            <numerusform>%n images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/src/dataset_page_import.cpp" line="-3"/>
        <source>, %n with its confidence</source>
        <translation>
            <numerusform>, %n with its confidence</numerusform>
            <numerusform>, %n with their confidence</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n matched by file name alone (the folders differ)</source>
        <translation>
            <numerusform>%n matched by file name alone (the folders differ)</numerusform>
            <numerusform>%n matched by file name alone (the folders differ)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n not in the open dataset (%1)</source>
        <translation>
            <numerusform>%n not in the open dataset (%1)</numerusform>
            <numerusform>%n not in the open dataset (%1)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n left out: more than one image of the dataset has that name (%1)</source>
        <translation>
            <numerusform>%n left out: more than one image of the dataset has that name (%1)</numerusform>
            <numerusform>%n left out: more than one image of the dataset has the same name (%1)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n line(s) repeated an image named earlier and were ignored</source>
        <translation>
            <numerusform>%n line repeated an image named earlier and was ignored</numerusform>
            <numerusform>%n lines repeated an image named earlier and were ignored</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n line(s) for images the model could not caption, skipped</source>
        <translation>
            <numerusform>%n line for an image the model could not caption, skipped</numerusform>
            <numerusform>%n lines for images the model could not caption, skipped</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>captioner::ui::DetailPane</name>
    <message numerus="yes">
        <location filename="../../ui/src/detail_pane.cpp" line="+39"/>
        <source>%n channel(s)</source>
        <translation>
            <numerusform>%n channel</numerusform>
            <numerusform>%n channels</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+194"/>
        <source>%n character(s)</source>
        <translation>
            <numerusform>%n character</numerusform>
            <numerusform>%n characters</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>captioner::ui::HubCacheDialog</name>
    <message numerus="yes">
        <location filename="../../ui/src/hub_cache_dialog.cpp" line="+147"/>
        <source>%n repositories, %1 in %2 (shared with Python&apos;s huggingface_hub).</source>
        <translation>
            <numerusform>%n repository, %1 in %2 (shared with Python&apos;s huggingface_hub).</numerusform>
            <numerusform>%n repositories, %1 in %2 (shared with Python&apos;s huggingface_hub).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>captioner::ui::TrainPage</name>
    <message numerus="yes">
        <location filename="../../ui/src/train_page_run.cpp" line="+218"/>
        <source>Run in %1: %2 of %3 steps, %n checkpoint(s).</source>
        <translation>
            <numerusform>Run in %1: %2 of %3 steps, %n checkpoint.</numerusform>
            <numerusform>Run in %1: %2 of %3 steps, %n checkpoints.</numerusform>
        </translation>
    </message>
</context>
</TS>
