package jp.kurashi.bench;

import jp.kurashi.core.triage.TriageEngine;
import jp.kurashi.core.triage.TriageModel;
import jp.kurashi.core.triage.TriageRules;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Median and p99 time to triage a 1,000-character Japanese message (rules and model), after warm-up,
 * on one thread; how long the shipped model takes to load; how much heap it holds.
 */
final class TriageBenchmark {

  private static final String PARAGRAPH = """
      はじめてご連絡いたします。昨年の秋に勤めていた工場が閉鎖になり、それ以来仕事が見つかっておりません。\
      失業保険も先月で終わり、現在は貯金を取り崩して生活しておりますが、残高は5万円ほどです。\
      家賃は2か月分滞納しており、大家さんからは今月中に支払わなければ退去してもらうと言われています。\
      また、母が認知症で、週に3回実家に通って介護をしているため、フルタイムの仕事に就くことも難しい状況です。\
      最近は眠れない日が続き、食事も1日1食にしています。どこから手をつければよいのかわからず、ご相談させていただきました。
      """;

  private TriageBenchmark() {
  }

  static void run(String[] args) {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    StringBuilder text = new StringBuilder();
    while (text.length() < 1_000) {
      text.append(PARAGRAPH);
    }
    String message = text.substring(0, 1_000);
    TriageRules rules = TriageRules.bundled();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long heapBefore = usedHeapAfterGc(memory);
    long loadStarted = System.nanoTime();
    TriageModel model = TriageModel.bundled();
    double loadMs = (System.nanoTime() - loadStarted) / 1e6;
    long modelHeap = usedHeapAfterGc(memory) - heapBefore;
    TriageEngine engine = new TriageEngine(rules, model);
    System.out.printf("triage benchmark: %d-character message, %d rules, model of %d features, %d iterations after %d warm-up%n",
        message.length(), engine.rules().size(), model.features(), iterations, iterations / 2);
    for (int i = 0; i < iterations / 2; i++) {
      engine.triage(message);
    }
    long[] samples = new long[iterations];
    for (int i = 0; i < iterations; i++) {
      long t0 = System.nanoTime();
      engine.triage(message);
      samples[i] = System.nanoTime() - t0;
    }
    Percentiles p = new Percentiles(samples);
    System.out.println();
    System.out.println("| figure | ms |");
    System.out.println("| --- | ---: |");
    System.out.printf("| median | %.3f |%n", p.ms(50));
    System.out.printf("| p90 | %.3f |%n", p.ms(90));
    System.out.printf("| p99 | %.3f |%n", p.ms(99));
    System.out.printf("| model load (first, cold JVM) | %.1f |%n", loadMs);
    System.out.printf("%nheap held by the model: %.1f MB%n", modelHeap / 1e6);
  }

  private static long usedHeapAfterGc(MemoryMXBean memory) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
