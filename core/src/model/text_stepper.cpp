#include "model/text_stepper.h"

#include "captioner/error.h"
#include "model/row_attention.h"
#include "model/row_gemv.h"
#include "model/git_modules.h"

#include <c10/core/impl/LocalDispatchKeySet.h>

#include <cmath>

namespace captioner::detail {
namespace {

// Under autocast the shared path (detail::linear) must run: it is the one autocast lowers to bf16/fp16.
bool autocastActive() {
    return c10::impl::tls_is_dispatch_key_included(c10::DispatchKey::AutocastCPU) ||
           c10::impl::tls_is_dispatch_key_included(c10::DispatchKey::AutocastCUDA);
}

// x [rows, in] W^T + b written into buffer's first rows. One row (batch-1 greedy decoding) goes through the
// row kernels (row_gemv.h) where the CPU has them: bf16Gemv for bf16 weights (AVX512-BF16), fp32Gemv for
// float32 (AVX2 + FMA); elsewhere a float32 row goes through BLAS's matrix-vector product, since addmm on a
// single row runs OpenBLAS's sgemm, which packs the whole weight matrix first (2.4x slower at git-base
// shapes, measured with bench/step_bench). Several float32 rows go through addmm. Returns the written rows,
// or an undefined tensor where the caller must take the shared path instead (int8 layers have no float
// weight; bf16 without the kernel or with several rows; autocast).
torch::Tensor projectInto(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                          const torch::Tensor& buffer) {
    if (autocastActive()) return {};
    if (x.size(0) == 1 && weight.scalar_type() == torch::kBFloat16) {
        auto row = buffer.narrow(0, 0, 1);
        return bf16Gemv(weight, x, bias, row) ? row : torch::Tensor();
    }
    if (x.scalar_type() != torch::kFloat32 || weight.scalar_type() != torch::kFloat32 || weight.dim() != 2 ||
        weight.size(1) != x.size(1) || weight.size(0) != buffer.size(1) || !bias.defined() ||
        x.device() != weight.device())
        return {};
    auto out = buffer.narrow(0, 0, x.size(0));
    if (x.size(0) == 1) {
        auto row = out.view({-1});
        if (!fp32Gemv(weight, x, bias, row)) at::addmv_out(row, bias, weight, x.reshape({-1}));
    } else {
        at::addmm_out(out, bias, x, weight.t());
    }
    return out;
}

torch::Tensor project(const torch::Tensor& x, const torch::nn::Linear& l, const torch::Tensor& buffer) {
    auto out = projectInto(x, l->weight, l->bias, buffer);
    return out.defined() ? out : linear(x, l);
}

// project(x) + residual, added in place where the projection went into the buffer.
torch::Tensor projectAdd(const torch::Tensor& x, const torch::nn::Linear& l, const torch::Tensor& buffer,
                         const torch::Tensor& residual) {
    auto out = projectInto(x, l->weight, l->bias, buffer);
    return out.defined() ? out.add_(residual) : linear(x, l) + residual;
}

torch::Tensor rowsOfImages(const std::vector<int64_t>& images, int64_t rowsPerImage, const torch::Device& device) {
    std::vector<int64_t> rows;
    for (int64_t image : images)
        for (int64_t r = 0; r < rowsPerImage; ++r) rows.push_back(image * rowsPerImage + r);
    return torch::tensor(rows, torch::kLong).to(device);
}

class CachedStepper : public TextStepper {
public:
    CachedStepper(GitForCausalLMImpl& model, const torch::Tensor& pixelValues, int64_t rowsPerImage, int64_t maxText)
        : m_model(model), m_act(activationFromName(model.config().hiddenAct)), m_rowsPerImage(rowsPerImage),
          m_maxText(maxText) {
        auto h = model.encodeImage(pixelValues); // [B, I, D]
        const int64_t images = h.size(0);
        m_imageTokens = h.size(1);
        const auto& layers = model.textLayers();
        for (size_t l = 0; l < layers.size(); ++l) {
            auto& layer = *layers[l];
            auto k = layer.splitHeads(linear(h, layer.key)).contiguous(); // [B,H,I,d]
            auto v = layer.splitHeads(linear(h, layer.value)).contiguous();
            // The last layer's image outputs feed nothing the text reads: only its keys/values are needed.
            if (l + 1 < layers.size()) {
                auto q = layer.splitHeads(linear(h, layer.query));
                auto scores = torch::matmul(q, k.transpose(-1, -2)) / std::sqrt(static_cast<double>(layer.headDim));
                auto ctx = torch::matmul(torch::softmax(scores, -1), v).transpose(1, 2).reshape(h.sizes());
                h = layer.afterAttention(ctx, h);
            }
            m_imageKeys.push_back(k);
            m_imageValues.push_back(v);
            const auto opts = k.options();
            m_textKeys.push_back(torch::empty({images * rowsPerImage, layer.heads, maxText, layer.headDim}, opts));
            m_textValues.push_back(torch::empty({images * rowsPerImage, layer.heads, maxText, layer.headDim}, opts));
        }
        // Every step's projections land in these (rows only shrink, so the first rows are used).
        const int64_t rows = images * rowsPerImage, d = h.size(2);
        const auto opts = h.options();
        m_query = torch::empty({rows, d}, opts);
        m_key = torch::empty({rows, d}, opts);
        m_value = torch::empty({rows, d}, opts);
        m_attnOut = torch::empty({rows, d}, opts);
        m_context = torch::empty({rows, d}, opts);
        m_inter = torch::empty({rows, layers.empty() ? d : layers[0]->intermediate->weight.size(0)}, opts);
        m_layerOut = torch::empty({rows, d}, opts);
        m_logits = torch::empty({rows, model.outputWeight().size(0)}, opts);
    }

    torch::Tensor step(const torch::Tensor& tokens) override {
        if (m_length >= m_maxText) throw Error("generate", "text cache is full");
        const int64_t rows = tokens.size(0), images = rows / m_rowsPerImage, r = m_rowsPerImage;
        const int64_t t = m_length, numImage = m_imageTokens;
        auto x = m_model.embedText(tokens.view({rows, 1}), t).view({rows, -1}); // [N, D]
        const int64_t d = x.size(1);
        const auto& layers = m_model.textLayers();
        torch::Tensor attention; // the captured image attention, summed over the captured layers
        for (size_t l = 0; l < layers.size(); ++l) {
            auto& layer = *layers[l];
            const int64_t heads = layer.heads, hd = layer.headDim;
            auto q = project(x, layer.query, m_query).view({rows, heads, hd});
            m_textKeys[l].select(2, t).copy_(project(x, layer.key, m_key).view({rows, heads, hd}));
            m_textValues[l].select(2, t).copy_(project(x, layer.value, m_value).view({rows, heads, hd}));
            const bool capture = m_capture == ImageAttention::AllLayers ||
                                 (m_capture == ImageAttention::LastLayer && l + 1 == layers.size());
            // One row (batch-1 greedy decoding): the row kernel, where it takes the tensors.
            torch::Tensor context;
            if (rows == 1) {
                torch::Tensor probsInto; // heads' mean image probabilities, added up over the captured layers
                if (capture) {
                    if (!attention.defined())
                        attention = torch::zeros({1, numImage}, x.options().dtype(torch::kFloat32));
                    probsInto = attention.view({-1});
                }
                auto out = m_context.narrow(0, 0, 1);
                if (rowAttention(q.view({-1}), m_imageKeys[l], m_imageValues[l], m_textKeys[l], m_textValues[l], t + 1,
                                 out, probsInto))
                    context = out;
            }
            if (!context.defined()) {
                auto keys = m_textKeys[l].narrow(2, 0, t + 1); // [N,H,t+1,d]
                auto values = m_textValues[l].narrow(2, 0, t + 1);
                // Image part batched per image: the image's beams are the rows of one [beams x d] matrix.
                auto qImage = q.view({images, r, heads, hd}).permute({0, 2, 1, 3});   // [B,H,R,d]
                auto sImage = torch::matmul(qImage, m_imageKeys[l].transpose(-1, -2)) // [B,H,R,I]
                                  .permute({0, 2, 1, 3})
                                  .reshape({rows, heads, numImage});
                auto sText = torch::matmul(q.unsqueeze(2), keys.transpose(-1, -2)).squeeze(2); // [N,H,t+1]
                auto probs = torch::softmax(torch::cat({sImage, sText}, -1) / std::sqrt(static_cast<double>(hd)), -1);
                if (capture) {
                    auto onImage = probs.narrow(-1, 0, numImage).to(torch::kFloat32).mean(1); // [N, I], heads averaged
                    attention = attention.defined() ? attention + onImage : onImage;
                }
                auto pImage = probs.narrow(-1, 0, numImage).reshape({images, r, heads, numImage}).permute({0, 2, 1, 3});
                auto cImage = torch::matmul(pImage, m_imageValues[l]).permute({0, 2, 1, 3}).reshape({rows, heads, hd});
                auto cText = torch::matmul(probs.narrow(-1, numImage, t + 1).unsqueeze(2), values).squeeze(2);
                context = (cImage + cText).reshape({rows, d});
            }
            x = afterAttention(layer, context, x);
        }
        ++m_length;
        if (m_capture == ImageAttention::AllLayers) attention = attention / static_cast<double>(layers.size());
        m_attention = attention;
        auto logits = projectInto(x, m_model.outputWeight(), m_model.outputBias(), m_logits);
        if (!logits.defined()) logits = torch::linear(x, m_model.outputWeight(), m_model.outputBias());
        return logits.to(torch::kFloat32);
    }

    void reorderRows(const torch::Tensor& rowIndex) override {
        for (auto& k : m_textKeys) k = k.index_select(0, rowIndex);
        for (auto& v : m_textValues) v = v.index_select(0, rowIndex);
    }

    void keepImages(const std::vector<int64_t>& images) override {
        const auto device = m_imageKeys.empty() ? torch::Device(torch::kCPU) : m_imageKeys[0].device();
        auto imageIndex = torch::tensor(images, torch::kLong).to(device);
        for (auto& k : m_imageKeys) k = k.index_select(0, imageIndex);
        for (auto& v : m_imageValues) v = v.index_select(0, imageIndex);
        reorderRows(rowsOfImages(images, m_rowsPerImage, device));
    }

private:
    // GitTextLayerImpl::afterAttention with the projections into the step's buffers (eval mode: generate()
    // decodes in eval mode, so there is no dropout) and the residuals added in place; same operations in
    // the same order: LayerNorm(dense(context) + residual), then LayerNorm(out(act(inter(a))) + a).
    torch::Tensor afterAttention(GitTextLayerImpl& layer, const torch::Tensor& context, const torch::Tensor& residual) {
        auto attn = layerNorm(projectAdd(context, layer.attnDense, m_attnOut, residual), layer.attnLayerNorm);
        auto inter = applyActivation(m_act, project(attn, layer.intermediate, m_inter));
        return layerNorm(projectAdd(inter, layer.outDense, m_layerOut, attn), layer.outLayerNorm);
    }

    GitForCausalLMImpl& m_model;
    Activation m_act; // the text layers' feed-forward activation (hidden_act)
    int64_t m_rowsPerImage, m_maxText, m_imageTokens = 0, m_length = 0;
    std::vector<torch::Tensor> m_imageKeys, m_imageValues; // per layer [images, H, I, d]
    std::vector<torch::Tensor> m_textKeys, m_textValues;   // per layer [rows, H, maxText, d]
    // Per-step outputs, preallocated for the first step's rows: [rows, hidden] for the query, key and value
    // projections, the attention context (row kernel) and output and the layer output, [rows,
    // intermediate], and the logits.
    torch::Tensor m_query, m_key, m_value, m_context, m_attnOut, m_inter, m_layerOut, m_logits;
};

class FullStepper : public TextStepper {
public:
    FullStepper(GitForCausalLMImpl& model, const torch::Tensor& pixelValues, int64_t rowsPerImage)
        : m_model(model), m_pixels(pixelValues), m_rowsPerImage(rowsPerImage) {
        m_ids = torch::empty({pixelValues.size(0) * rowsPerImage, 0},
                             torch::TensorOptions().dtype(torch::kLong).device(pixelValues.device()));
    }
    torch::Tensor step(const torch::Tensor& tokens) override {
        m_ids = torch::cat({m_ids, tokens.view({-1, 1})}, 1);
        auto pixels = m_pixels.repeat_interleave(m_rowsPerImage, 0);
        const bool capture = m_capture != ImageAttention::None;
        auto out = m_model.forward(pixels, m_ids, {}, {}, capture);
        if (capture) {
            const int64_t numImage = out.logits.size(1) - m_ids.size(1);
            torch::Tensor sum;
            const size_t first = m_capture == ImageAttention::AllLayers ? 0 : out.attentions.size() - 1;
            for (size_t l = first; l < out.attentions.size(); ++l) { // the last query row over the image columns
                auto onImage = out.attentions[l].select(2, -1).narrow(-1, 0, numImage).to(torch::kFloat32).mean(1);
                sum = sum.defined() ? sum + onImage : onImage;
            }
            m_attention = sum / static_cast<double>(out.attentions.size() - first);
        }
        return out.logits.select(1, -1).to(torch::kFloat32);
    }
    void reorderRows(const torch::Tensor& rowIndex) override { m_ids = m_ids.index_select(0, rowIndex); }
    void keepImages(const std::vector<int64_t>& images) override {
        m_pixels = m_pixels.index_select(0, torch::tensor(images, torch::kLong).to(m_pixels.device()));
        reorderRows(rowsOfImages(images, m_rowsPerImage, m_ids.device()));
    }

private:
    GitForCausalLMImpl& m_model;
    torch::Tensor m_pixels, m_ids;
    int64_t m_rowsPerImage;
};

} // namespace

std::unique_ptr<TextStepper> makeCachedStepper(GitForCausalLMImpl& model, const torch::Tensor& pixelValues,
                                               int64_t rowsPerImage, int64_t maxTextLength) {
    return std::make_unique<CachedStepper>(model, pixelValues, rowsPerImage, maxTextLength);
}

std::unique_ptr<TextStepper> makeFullStepper(GitForCausalLMImpl& model, const torch::Tensor& pixelValues,
                                             int64_t rowsPerImage) {
    return std::make_unique<FullStepper>(model, pixelValues, rowsPerImage);
}

} // namespace captioner::detail
