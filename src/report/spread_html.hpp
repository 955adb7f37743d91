// spread.html: the small page of `svcsim run --seeds`: the key metrics' spread over seeds (mean, the 5-95 %
// band, min and max) and a link to each seed's own report.html. Static, no JavaScript.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace svcsim
{

// `spread` is spread.json's content. Deterministic bytes.
std::string render_spread_html(const nlohmann::ordered_json& spread);

} // namespace svcsim
