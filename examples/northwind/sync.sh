#!/usr/bin/env bash
# Syncs the Northwind sample data into a running Corral server through its HTTP API, one
# record per curl call, the way a script of yours would:
#   - each customer becomes an Account (its id is the five-letter customer_id);
#   - each order becomes a record of a custom "Orders" model whose customer_id relates to
#     Account and whose stripe_charge_id names the Stripe charge that paid it. The model is
#     created on the first run and reused after that;
#   - the Stripe webhook events of those charges are replayed, signed, into the server's
#     Stripe integration (replay-stripe-events.py);
#   - four views are saved: Orders by amount, German orders, Failed or refunded payments,
#     and Customers.
# Running it again updates the same records; nothing is duplicated.
#
# Usage: CORRAL_KEY=corral_... examples/northwind/sync.sh
# Needs curl and python3 (only to read the CSV files). CORRAL_URL defaults to
# http://127.0.0.1:8750.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
url="${CORRAL_URL:-http://127.0.0.1:8750}"
: "${CORRAL_KEY:?set CORRAL_KEY to an API key (corral serve prints one on first start)}"
auth=(-H "Authorization: Token $CORRAL_KEY")

# Prints each CSV row as a URL-encoded form body; the column named by $2 becomes `id`.
# Orders also get the id of the Stripe charge that paid them, from order_charges.csv.
form_rows() {
  python3 - "$1" "$2" "$here/order_charges.csv" <<'PY'
import csv, sys, urllib.parse
path, id_column, charges_path = sys.argv[1], sys.argv[2], sys.argv[3]
with open(charges_path, newline="", encoding="utf-8") as f:
    charges = {row["order_id"]: row["stripe_charge_id"] for row in csv.DictReader(f)}
with open(path, newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        pairs = [("id", row[id_column])] + [(k, v) for k, v in row.items() if v != ""]
        if id_column == "order_id" and row["order_id"] in charges:
            pairs.append(("stripe_charge_id", charges[row["order_id"]]))
        print(urllib.parse.urlencode(pairs))
PY
}

# Syncs every row of a CSV file into a model, showing progress.
sync_file() {
  local model="$1" file="$2" id_column="$3" label="$4"
  local total done=0
  total=$(($(wc -l < "$file") - 1))
  while IFS= read -r body; do
    curl -sS --fail-with-body -o /dev/null "${auth[@]}" \
      "$url/models/$model/records" --data-raw "$body"
    done=$((done + 1))
    if (( done % 50 == 0 || done == total )); then
      printf '\r%s: %d/%d' "$label" "$done" "$total" >&2
    fi
  done < <(form_rows "$file" "$id_column")
  printf '\n' >&2
}

# The Orders model: found by name, or created with its relations and trait types. Its
# customer_id relates to Account, its stripe_charge_id to the built-in Stripe Charge model.
orders_model() {
  local id
  id=$(curl -sS --fail-with-body "${auth[@]}" "$url/models" | python3 -c '
import json, sys
print(next((m["id"] for m in json.load(sys.stdin) if m["name"] == "Orders"), ""))')
  local relations='[{"trait": "customer_id", "model": "account"},
    {"trait": "stripe_charge_id", "model": "stripe_charge"}]'
  if [ -n "$id" ]; then
    curl -sS --fail-with-body -o /dev/null "${auth[@]}" -X PATCH "$url/models/$id" \
      -H 'Content-Type: application/json' -d "{\"relations\": $relations}"
  fi
  if [ -z "$id" ]; then
    id=$(curl -sS --fail-with-body "${auth[@]}" "$url/models" \
      -H 'Content-Type: application/json' -d '{
        "name": "Orders",
        "relations": [{"trait": "customer_id", "model": "account"},
                      {"trait": "stripe_charge_id", "model": "stripe_charge"}],
        "traits": {
          "amount": {"type": "currency", "currency": "USD"},
          "freight": {"type": "currency", "currency": "USD"},
          "order_date": "datetime", "required_date": "datetime", "shipped_date": "datetime",
          "employee_id": "integer", "ship_via": "integer"
        }}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
  fi
  echo "$id"
}

# A saved view over Orders: found by name, or created.
ensure_view() {
  local name="$1" body="$2"
  local id
  id=$(curl -sS --fail-with-body "${auth[@]}" "$url/views" | python3 -c '
import json, sys
print(next((v["id"] for v in json.load(sys.stdin) if v["name"] == sys.argv[1]), ""))' "$name")
  if [ -z "$id" ]; then
    id=$(curl -sS --fail-with-body "${auth[@]}" "$url/views" -H 'Content-Type: application/json' \
      -d "$body" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
  fi
  echo "$id"
}

start=$(date +%s.%N)
sync_file account "$here/customers.csv" customer_id "Accounts"
orders=$(orders_model)
sync_file "$orders" "$here/orders.csv" order_id "Orders"
columns='["id", "order_date", "amount", "account.company_name", "account.country"]'
by_amount=$(ensure_view "Orders by amount" "{\"name\": \"Orders by amount\", \"model\": \"$orders\",
  \"columns\": $columns, \"sort\": \"-amount\"}")
german=$(ensure_view "German orders" "{\"name\": \"German orders\", \"model\": \"$orders\",
  \"columns\": $columns, \"filter\": \"account.country = 'Germany'\", \"sort\": \"-amount\"}")
payments=$(ensure_view "Failed or refunded payments" "{\"name\": \"Failed or refunded payments\",
  \"model\": \"$orders\", \"columns\": [\"id\", \"amount\", \"account.company_name\",
  \"stripe_charge.status\", \"stripe_charge.amount_refunded\", \"stripe_charge.failure_message\"],
  \"filter\": \"stripe_charge.status = 'failed' || stripe_charge.amount_refunded > 0\",
  \"sort\": \"-amount\"}")
customers=$(ensure_view "Customers" '{"name": "Customers", "model": "account",
  "columns": ["id", "company_name", "contact_name", "city", "country"],
  "sort": "company_name"}')
CORRAL_URL="$url" python3 "$here/replay-stripe-events.py"
elapsed=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" \
  "$start" "$(date +%s.%N)")

echo "Synced in ${elapsed}s. The Orders Model ID is: $orders" >&2
echo "Views: \"Orders by amount\" is $by_amount, \"German orders\" is $german," >&2
echo "       \"Failed or refunded payments\" is $payments, \"Customers\" is $customers" >&2
echo "Read an order back:" >&2
echo "  curl $url/models/$orders/records/10248 -H \"Authorization: Token \$CORRAL_KEY\"" >&2
echo "$orders"
