// Regenerates tests/fuzz/corpus/blob_decode/ (valid blobs of every codec):
//   g++ -std=c++20 -I. tests/fuzz/tools/make_blob_corpus.cpp build/common/libfedq_common.a -lzstd \
//       -o /tmp/make_blob_corpus && /tmp/make_blob_corpus tests/fuzz/corpus/blob_decode
#include "common/codec/codec.hpp"
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
using namespace fedq::codec;
int main(int argc, char** argv) {
  const char* specs[] = {"fp32","fp16","int8","int8:block=16:stochastic","int4:block=8","qsgd:levels=4:block=16",
    "sign:block=16","topk:0.1+int8:block=16","randk:0.2+int8:block=16","topk:0.1+int8:block=16+zstd","int4:block=8+zstd","topk:0.25","randk:0.5+fp16+zstd"};
  std::mt19937 g(1); std::normal_distribution<float> d;
  int i = 0;
  for (const char* s : specs) for (int n : {0, 1, 37, 300}) {
    std::vector<float> x(n); for (auto& v : x) v = d(g);
    auto b = Encode(*ParseSpec(s), x, nullptr, 42 + i);
    std::ofstream(std::string(argv[1]) + "/seed_" + std::to_string(i++) + ".blob", std::ios::binary).write((const char*)b->data(), b->size());
  }
}
