# verbatim: the two commands a new machine needs are `make demo` and `make test`.
# Tests and benchmarks run in release: whisper.cpp built in cargo's dev profile is ~3x slower.

CARGO ?= cargo
VERBATIM := target/release/verbatim
MODELS ?= models
DEMO_STORE ?= .verbatim

.PHONY: setup build install model demo test test-fast lint bench corpus clean

setup:
	scripts/setup-system.sh

build: setup
	$(CARGO) build --release --locked

# verbatim on the PATH (~/.cargo/bin), runnable from any folder; models then default to
# ~/.local/share/verbatim/models (see README).
install: setup
	$(CARGO) install --locked --path .

$(MODELS)/ggml-tiny.en.bin:
	$(MAKE) build
	$(VERBATIM) --models-dir $(MODELS) models fetch tiny.en

# the second listen (`verbatim relisten`) and the multilingual work
$(MODELS)/ggml-base.bin:
	$(MAKE) build
	$(VERBATIM) --models-dir $(MODELS) models fetch base

$(MODELS)/resemblyzer-0.1.4-pretrained.pt:
	$(MAKE) build
	$(VERBATIM) --models-dir $(MODELS) models fetch resemblyzer

$(MODELS)/spkrec-ecapa-voxceleb-embedding_model.ckpt:
	$(MAKE) build
	$(VERBATIM) --models-dir $(MODELS) models fetch ecapa

$(MODELS)/campplus_cn_en_common.pt:
	$(MAKE) build
	$(VERBATIM) --models-dir $(MODELS) models fetch campplus

# the second voice detector, which confirms the speech under a gap marker
$(MODELS)/silero-vad-6.2.3-16k.safetensors:
	$(MAKE) build
	$(VERBATIM) --models-dir $(MODELS) models fetch silero

$(MODELS)/all-MiniLM-L6-v2/model.safetensors:
	$(MAKE) build
	$(VERBATIM) --models-dir $(MODELS) models fetch minilm

model: build $(MODELS)/ggml-tiny.en.bin $(MODELS)/ggml-base.bin $(MODELS)/resemblyzer-0.1.4-pretrained.pt $(MODELS)/spkrec-ecapa-voxceleb-embedding_model.ckpt $(MODELS)/campplus_cn_en_common.pt $(MODELS)/silero-vad-6.2.3-16k.safetensors $(MODELS)/all-MiniLM-L6-v2/model.safetensors

# Ingest the shipped sample corpus and show what came out.
demo: model
	$(VERBATIM) --store $(DEMO_STORE) ingest corpus/
	$(VERBATIM) --store $(DEMO_STORE) list
	$(VERBATIM) --store $(DEMO_STORE) speakers list
	$(VERBATIM) --store $(DEMO_STORE) transcript "2021-09-14 security standup" --format srt | head -20
	$(VERBATIM) --store $(DEMO_STORE) search '"see everything" OR "master admin"' --sort date
	$(VERBATIM) --store $(DEMO_STORE) search --meaning "who in China could look at American users' records" --limit 5
	$(VERBATIM) --store $(DEMO_STORE) claims --kind access
	$(VERBATIM) --store $(DEMO_STORE) timeline --format html > $(DEMO_STORE)/timeline.html
	@echo "timeline page: $(DEMO_STORE)/timeline.html"
	@echo "web page: $(VERBATIM) --store $(DEMO_STORE) serve   (then open http://127.0.0.1:7878)"

test: model
	$(CARGO) test --release --locked

# The fast tier, for the edit-test loop: unit tests and the CLI tests that need no model, no
# transcription and no browser (modules named `fast`), against an empty models folder.
FAST_MODELS := target/empty-models
test-fast: setup
	rm -rf $(FAST_MODELS) && mkdir -p $(FAST_MODELS)
	VERBATIM_MODELS=$(CURDIR)/$(FAST_MODELS) $(CARGO) test --release --locked --lib --bins -- --skip with_voice_model
	VERBATIM_MODELS=$(CURDIR)/$(FAST_MODELS) $(CARGO) test --release --locked --test cli -- fast::

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --release --locked --all-targets -- -D warnings

bench: model
	$(CARGO) run --release --locked --bin verbatim-bench

# Regenerate the sample corpus and tests/data/bad from corpus/script.json (espeak-ng, sox, ffmpeg).
corpus: setup
	corpus/make_corpus.sh

clean:
	rm -rf target $(DEMO_STORE)
