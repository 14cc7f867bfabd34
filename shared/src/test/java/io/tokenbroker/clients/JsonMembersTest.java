package io.tokenbroker.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link JsonMembers}' getters give what Nimbus's {@code JSONObjectUtils} getters give. */
class JsonMembersTest {

  interface Getter {
    Object get(Map<String, Object> o, String key) throws ParseException;
  }

  /** Every kind of value a parsed document holds, and a few it does not. */
  private static Map<String, Object> values() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("string", "s");
    o.put("empty", "");
    o.put("true", true);
    o.put("false", false);
    o.put("long", 7L);
    o.put("double", 1.5);
    o.put("null", null);
    o.put("object", new LinkedHashMap<>(Map.of("a", "b")));
    o.put("emptyObject", new LinkedHashMap<>());
    o.put("numberKeys", new HashMap<>(Map.of(1, "b")));
    o.put("strings", new ArrayList<>(List.of("a", "b")));
    o.put("mixed", new ArrayList<>(Arrays.asList("a", 1L)));
    o.put("withNull", new ArrayList<>(Arrays.asList("a", null)));
    o.put("emptyList", new ArrayList<>());
    return o;
  }

  @Test
  void everyGetterAgreesWithNimbusOnEveryKindOfValue() {
    Map<String, Getter[]> pairs = new LinkedHashMap<>();
    pairs.put("getString", new Getter[] {JsonMembers::getString, JSONObjectUtils::getString});
    pairs.put("getBoolean", new Getter[] {JsonMembers::getBoolean, JSONObjectUtils::getBoolean});
    pairs.put("getLong", new Getter[] {JsonMembers::getLong, JSONObjectUtils::getLong});
    pairs.put(
        "getJSONArray", new Getter[] {JsonMembers::getJSONArray, JSONObjectUtils::getJSONArray});
    pairs.put(
        "getStringArray",
        new Getter[] {
          (o, k) -> asList(JsonMembers.getStringArray(o, k)),
          (o, k) -> asList(JSONObjectUtils.getStringArray(o, k))
        });
    pairs.put(
        "getJSONObject", new Getter[] {JsonMembers::getJSONObject, JSONObjectUtils::getJSONObject});
    Map<String, Object> o = values();
    List<String> keys = new ArrayList<>(o.keySet());
    keys.add("absent");
    int refusals = 0;
    for (Map.Entry<String, Getter[]> pair : pairs.entrySet()) {
      for (String key : keys) {
        Object ours = outcome(pair.getValue()[0], o, key);
        Object nimbus = outcome(pair.getValue()[1], o, key);
        assertThat(ours).as("%s(%s)", pair.getKey(), key).isEqualTo(nimbus);
        if (ours instanceof String message && message.startsWith("refused: ")) {
          refusals++;
        }
      }
    }
    assertThat(refusals).isGreaterThan(30);
  }

  @Test
  void aStoredClientWithoutKeysHasTheKeySetNimbusWouldRead() throws ParseException {
    String stored =
        ClientJson.toJsonString(
            io.tokenbroker.testing.Clients.withRole(
                "iam-client", "arn:aws:iam::123456789012:role/workload"));
    Map<String, Object> json = io.tokenbroker.json.JsonTree.object(stored);
    assertThat(json.get("jwks")).isEqualTo(Map.of("keys", List.of()));

    com.nimbusds.jose.jwk.JWKSet ours = ClientJson.fromJson(json, 0).publicKeys();
    @SuppressWarnings("unchecked")
    com.nimbusds.jose.jwk.JWKSet nimbus =
        com.nimbusds.jose.jwk.JWKSet.parse((Map<String, Object>) json.get("jwks"));
    assertThat(ours.getKeys()).isEqualTo(nimbus.getKeys()).isEmpty();
    assertThat(ours.getAdditionalMembers()).isEqualTo(nimbus.getAdditionalMembers());
    assertThat(ours.toJSONObject(false)).isEqualTo(nimbus.toJSONObject(false));
    // with any other member, Nimbus reads the set (and keeps the member)
    Map<String, Object> more = new LinkedHashMap<>(json);
    more.put("jwks", Map.of("keys", List.of(), "note", "x"));
    assertThat(ClientJson.fromJson(more, 0).publicKeys().getAdditionalMembers())
        .containsEntry("note", "x");
  }

  private static List<String> asList(String[] values) {
    return values == null ? null : List.of(values);
  }

  private static Object outcome(Getter getter, Map<String, Object> o, String key) {
    try {
      return getter.get(o, key);
    } catch (ParseException e) {
      return "refused: " + e.getMessage() + " at " + e.getErrorOffset();
    } catch (RuntimeException e) {
      return "failed: " + e.getClass().getName();
    }
  }
}
