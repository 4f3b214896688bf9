#!/usr/bin/env python3
"""Writes the hand-made seed inputs of corpus/tokenizer, corpus/dataset and corpus/hub (the other
targets' seeds are copies of tests/fixtures files, see README.md). Run from anywhere; stdlib only."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    path = os.path.join(HERE, "corpus", target, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


# fuzz_tokenizer: first byte even = vocab.txt, odd = tokenizer.json.
specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
words = ["a", "photo", "of", "2", "cat", "##s", ",", "and", "caf", "##e", ".", "猫", "the", "dog"]
vocab = specials + words
write("tokenizer", "vocab.txt", b"\x00" + "\n".join(vocab).encode() + b"\n")
tokenizer_json = {
    "version": "1.0", "truncation": None, "padding": None,
    "added_tokens": [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                      "normalized": False, "special": True} for i, t in enumerate(specials)],
    "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                   "strip_accents": None, "lowercase": True},
    "pre_tokenizer": {"type": "BertPreTokenizer"},
    "post_processor": {"type": "TemplateProcessing",
                       "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                  {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                       "pair": [], "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                                                      "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}},
    "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
    "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
              "max_input_chars_per_word": 100, "vocab": {t: i for i, t in enumerate(vocab)}},
}
write("tokenizer", "tokenizer.json", b"\x01" + json.dumps(tokenizer_json, ensure_ascii=False).encode())

# fuzz_dataset: first byte picks the layout (see kLayouts in fuzz_dataset.cpp); images a.png, b.jpg exist.
jsonl = '{"file_name": "a.png", "text": "a red square"}\n{"file_name": "b.jpg", "text": ["two", "captions 猫"]}\n'
write("dataset", "metadata.jsonl", b"\x00" + jsonl.encode())
write("dataset", "metadata.csv", b"\x01" + b'file_name,text\na.png,"a red, square"\nb.jpg,"[""x"", ""y""]"\n')
coco = {"images": [{"id": 1, "file_name": "a.png", "width": 1, "height": 1}, {"id": 2, "file_name": "b.jpg"}],
        "annotations": [{"id": 10, "image_id": 1, "caption": "a cat"}, {"id": 11, "image_id": 2, "caption": "a dog"},
                        {"id": 12, "image_id": 1, "caption": "  a second\tcaption "}]}
write("dataset", "coco.json", b"\x02" + json.dumps(coco).encode())
karpathy = {"dataset": "coco", "images": [
    {"filepath": "", "filename": "a.png", "split": "train", "imgid": 0, "cocoid": 1,
     "sentences": [{"raw": "A cat.", "tokens": ["a", "cat"], "imgid": 0, "sentid": 0}], "sentids": [0]},
    {"filepath": "", "filename": "b.jpg", "split": "test", "imgid": 1,
     "sentences": [{"raw": "A dog!", "tokens": ["a", "dog"], "imgid": 1, "sentid": 1}], "sentids": [1]}]}
write("dataset", "karpathy.json", b"\x03" + json.dumps(karpathy).encode())
write("dataset", "flickr.token.txt", b"\x04" + b"a.png#0\tA cat sits .\na.png#1\tA cat .\nb.jpg#0\tA dog runs .\n")
write("dataset", "sidecar.txt", b"\x05" + "a small cat 猫\n".encode())
write("dataset", "metadata_folder.jsonl", b"\x06" + jsonl.encode())
write("dataset", "coco_download.json", b"\x07" + json.dumps(coco).encode())

# fuzz_hub: GET /api/models/ID/revision/main?blobs=true as the Hub answers it.
listing = {"_id": "x", "id": "user/git-tiny", "private": False, "sha": "0123456789abcdef0123456789abcdef01234567",
           "siblings": [{"rfilename": "config.json", "blobId": "aa" * 20, "size": 863},
                        {"rfilename": "model.safetensors", "blobId": "bb" * 20, "size": 2119092,
                         "lfs": {"sha256": "cd" * 32, "size": 2119092, "pointerSize": 134}},
                        {"rfilename": "vocab.txt", "blobId": "ee" * 20, "size": 231508},
                        {"rfilename": "pytorch_model.bin", "size": 10}]}
write("hub", "listing.json", json.dumps(listing).encode())
