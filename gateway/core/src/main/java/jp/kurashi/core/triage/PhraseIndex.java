package jp.kurashi.core.triage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Aho-Corasick automaton over all phrases of the rules: one pass over a message finds every
 * occurrence of every phrase, so the time does not grow with the number of rules.
 */
final class PhraseIndex {

  /** A phrase found: which one and where it ends. */
  record Hit(int phrase, int end) {
  }

  private static final class Node {
    final Map<Character, Node> next = new HashMap<>();
    Node fail;
    final List<Integer> out = new ArrayList<>();
    final List<Integer> lengths = new ArrayList<>();
  }

  private final Node root = new Node();

  PhraseIndex(List<String> phrases) {
    for (int i = 0; i < phrases.size(); i++) {
      String p = phrases.get(i);
      if (p == null || p.isEmpty()) {
        continue;
      }
      Node n = root;
      for (int k = 0; k < p.length(); k++) {
        n = n.next.computeIfAbsent(p.charAt(k), c -> new Node());
      }
      n.out.add(i);
      n.lengths.add(p.length());
    }
    ArrayDeque<Node> queue = new ArrayDeque<>();
    for (Node child : root.next.values()) {
      child.fail = root;
      queue.add(child);
    }
    while (!queue.isEmpty()) {
      Node n = queue.poll();
      for (Map.Entry<Character, Node> e : n.next.entrySet()) {
        Node child = e.getValue();
        Node f = n.fail;
        while (f != null && !f.next.containsKey(e.getKey())) {
          f = f.fail;
        }
        child.fail = f == null ? root : f.next.get(e.getKey());
        child.out.addAll(child.fail.out);
        child.lengths.addAll(child.fail.lengths);
        queue.add(child);
      }
    }
  }

  /** Every occurrence of every phrase in {@code text}. */
  List<Hit> search(String text) {
    List<Hit> hits = new ArrayList<>();
    Node n = root;
    for (int i = 0; i < text.length(); i++) {
      Character c = text.charAt(i);
      Node next = n.next.get(c);
      while (next == null && n != root) {
        n = n.fail;
        next = n.next.get(c);
      }
      n = next == null ? root : next;
      for (int k = 0; k < n.out.size(); k++) {
        hits.add(new Hit(n.out.get(k), i + 1));
      }
    }
    return hits;
  }
}
