#pragma once
// Captioner's engine API in one include, for programs that embed the core (the CLI and the GUI are
// two such programs). What each piece does, and a usage example, is at the top of its header:
//   caption_pipeline.h  load a checkpoint, caption image files (progress, cancel), score a caption
//   trainer.h           fine-tune a checkpoint on a caption dataset, with an observer for its events
//   training_history.h  read a run's output folder back: loss/eval curves and checkpoints (no LibTorch)
//   evaluation.h        loss, WER, ROUGE-L, BLEU-4 and CIDEr-D of a checkpoint on captioned images
// Conventions: every failure is a captioner::Error whose what() names the file (or option) and the
// problem; nothing here uses Qt; functions taking a GitCheckpoint& use it from one thread at a time.
// Call configureThreads() once at start-up (LibTorch picks one thread on some machines otherwise).
// Lower-level pieces (safetensors, batch loading, the optimizer, dataset formats, the Hub cache) have
// their own headers next to these and are not part of this promise.
#include "captioner/caption_pipeline.h"
#include "captioner/checkpoint.h"
#include "captioner/dataset.h"
#include "captioner/dataset_split.h"
#include "captioner/error.h"
#include "captioner/evaluation.h"
#include "captioner/generation.h"
#include "captioner/image_io.h"
#include "captioner/metrics.h"
#include "captioner/precision.h"
#include "captioner/runtime.h"
#include "captioner/trainer.h"
#include "captioner/training_events.h"
#include "captioner/training_history.h"
#include "captioner/version.h"
