package jp.kurashi.console;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lists {@code openapi.yaml} declares once under {@code components/schemas} (urgencies, outcomes, routes…), by
 * schema name and in the document's order: requests are validated against them, the report's columns and the
 * console's menus ({@code GET /api/meta}) are read from them.
 *
 * <pre>{@code
 * List<String> outcomes = enums.of("Outcome");
 * }</pre>
 */
public record ContractEnums(Map<String, List<String>> lists) {

  public ContractEnums {
    lists = Map.copyOf(lists);
  }

  static ContractEnums of(OpenAPIContract contract) {
    return of(contract.getRawContract());
  }

  static ContractEnums of(JsonObject document) {
    JsonObject schemas = document.getJsonObject("components", new JsonObject())
        .getJsonObject("schemas", new JsonObject());
    Map<String, List<String>> lists = new LinkedHashMap<>();
    schemas.forEach(entry -> {
      if (entry.getValue() instanceof JsonObject schema && schema.getValue("enum") instanceof JsonArray values) {
        lists.put(entry.getKey(), values.stream().map(String::valueOf).toList());
      }
    });
    return new ContractEnums(lists);
  }

  /** The list of schema {@code name}; a name the document lacks is a programming error, found at start-up. */
  public List<String> of(String name) {
    List<String> list = lists.get(name);
    if (list == null) {
      throw new IllegalArgumentException("openapi.yaml declares no list " + name);
    }
    return list;
  }

  JsonObject json() {
    JsonObject out = new JsonObject();
    lists.keySet().stream().sorted().forEach(name -> out.put(name, new JsonArray(lists.get(name))));
    return out;
  }
}
