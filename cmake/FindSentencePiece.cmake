# sentencepiece is only ever linked into the isolated plugin (see plugins/), never into the core.
find_path(SentencePiece_INCLUDE_DIR sentencepiece_processor.h)
find_library(SentencePiece_LIBRARY sentencepiece)
find_library(SentencePiece_TRAIN_LIBRARY sentencepiece_train)
if(NOT SentencePiece_INCLUDE_DIR OR NOT SentencePiece_LIBRARY OR NOT SentencePiece_TRAIN_LIBRARY)
  message(FATAL_ERROR "sentencepiece not found: install libsentencepiece-dev (scripts/setup does)")
endif()
