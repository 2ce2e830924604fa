package retail.bench;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The additive measures of a KPI window, exactly those of stream-processors/kpi-windows/src/measures.ts
 * (addEvent): net GMV, orders, items, refunds, voids, payment attempts/captures and captured amount
 * per payment method. One instance is one event's delta or one window's aggregate.
 */
final class Measures {
  long gmvMinor;
  long orders;
  long items;
  long refundsMinor;
  long voidsMinor;
  long refundCount;
  long voidCount;
  long paymentsAttempted;
  long paymentsCaptured;
  final TreeMap<String, Long> paymentsByMethod = new TreeMap<>();

  /** The delta one event contributes, or null for events without KPIs (stock moves, products …). */
  static Measures ofEvent(GenericRecord ev) {
    Measures m = new Measures();
    switch (ev.get("event_type").toString()) {
      case "SaleRecorded" -> {
        m.gmvMinor = (Long) ev.get("total_minor");
        m.orders = 1;
        m.items = (Integer) ev.get("item_count");
      }
      case "SaleRefunded" -> {
        long amount = (Long) ev.get("amount_minor");
        m.gmvMinor = -amount;
        m.refundsMinor = amount;
        m.refundCount = 1;
      }
      case "SaleVoided" -> {
        m.voidCount = 1;
        if ((Boolean) ev.get("was_paid")) {
          long total = (Long) ev.get("total_minor");
          m.gmvMinor = -total;
          m.voidsMinor = total;
        }
      }
      case "PaymentCaptured" -> {
        m.paymentsAttempted = 1;
        m.paymentsCaptured = 1;
        m.paymentsByMethod.put(ev.get("method").toString(), (Long) ev.get("amount_minor"));
      }
      case "PaymentFailed" -> m.paymentsAttempted = 1;
      default -> {
        return null;
      }
    }
    return m;
  }

  Measures add(Measures d) {
    gmvMinor += d.gmvMinor;
    orders += d.orders;
    items += d.items;
    refundsMinor += d.refundsMinor;
    voidsMinor += d.voidsMinor;
    refundCount += d.refundCount;
    voidCount += d.voidCount;
    paymentsAttempted += d.paymentsAttempted;
    paymentsCaptured += d.paymentsCaptured;
    for (Map.Entry<String, Long> e : d.paymentsByMethod.entrySet()) paymentsByMethod.merge(e.getKey(), e.getValue(), Long::sum);
    return this;
  }

  /** The output record, JSON with KpiWindowUpdated's field names so the bench reads both sides alike. */
  String toJson(String storeId, String size, long start, long end) {
    StringBuilder b = new StringBuilder(320);
    b.append("{\"scope\":\"store:").append(storeId).append("\",\"store_id\":\"").append(storeId).append("\",\"window_size\":\"").append(size)
        .append("\",\"window_start\":").append(start).append(",\"window_end\":").append(end)
        .append(",\"gmv_minor\":").append(gmvMinor).append(",\"orders\":").append(orders)
        .append(",\"items\":").append(items).append(",\"refunds_minor\":").append(refundsMinor)
        .append(",\"voids_minor\":").append(voidsMinor).append(",\"refund_count\":").append(refundCount)
        .append(",\"void_count\":").append(voidCount).append(",\"payments_attempted\":").append(paymentsAttempted)
        .append(",\"payments_captured\":").append(paymentsCaptured).append(",\"payments_by_method\":{");
    String sep = "";
    for (Map.Entry<String, Long> e : paymentsByMethod.entrySet()) {
      b.append(sep).append('"').append(e.getKey()).append("\":").append(e.getValue());
      sep = ",";
    }
    return b.append("},\"updated_at\":").append(System.currentTimeMillis()).append('}').toString();
  }

  static Serde<Measures> serde() {
    Serializer<Measures> ser = (topic, m) -> {
      int size = 9 * 8 + 4;
      for (String k : m.paymentsByMethod.keySet()) size += 4 + k.length() + 8;
      ByteBuffer buf = ByteBuffer.allocate(size);
      buf.putLong(m.gmvMinor).putLong(m.orders).putLong(m.items).putLong(m.refundsMinor).putLong(m.voidsMinor)
          .putLong(m.refundCount).putLong(m.voidCount).putLong(m.paymentsAttempted).putLong(m.paymentsCaptured);
      buf.putInt(m.paymentsByMethod.size());
      for (Map.Entry<String, Long> e : m.paymentsByMethod.entrySet()) {
        byte[] k = e.getKey().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        buf.putInt(k.length).put(k).putLong(e.getValue());
      }
      return buf.array();
    };
    Deserializer<Measures> de = (topic, bytes) -> {
      if (bytes == null) return null;
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      Measures m = new Measures();
      m.gmvMinor = buf.getLong();
      m.orders = buf.getLong();
      m.items = buf.getLong();
      m.refundsMinor = buf.getLong();
      m.voidsMinor = buf.getLong();
      m.refundCount = buf.getLong();
      m.voidCount = buf.getLong();
      m.paymentsAttempted = buf.getLong();
      m.paymentsCaptured = buf.getLong();
      for (int n = buf.getInt(); n > 0; n--) {
        byte[] k = new byte[buf.getInt()];
        buf.get(k);
        m.paymentsByMethod.put(new String(k, java.nio.charset.StandardCharsets.US_ASCII), buf.getLong());
      }
      return m;
    };
    return Serdes.serdeFrom(ser, de);
  }
}
