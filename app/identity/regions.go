package identity

// provinces maps the first two digits of an address code (GB/T 2260) to the
// province-level division. Codes outside this table only warn: old and
// retired codes stay valid on cards that were issued with them.
var provinces = map[string]string{
	"11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
	"21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
	"31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
	"41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
	"50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
	"61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
	"71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}

// prefectures names prefecture-level divisions of the home province
// (Henan, where this workstation is deployed first). Other provinces are
// named at province level only; add rows here when a province needs them.
var prefectures = map[string]string{
	"4101": "郑州市", "4102": "开封市", "4103": "洛阳市", "4104": "平顶山市", "4105": "安阳市",
	"4106": "鹤壁市", "4107": "新乡市", "4108": "焦作市", "4109": "濮阳市", "4110": "许昌市",
	"4111": "漯河市", "4112": "三门峡市", "4113": "南阳市", "4114": "商丘市", "4115": "信阳市",
	"4116": "周口市", "4117": "驻马店市", "4190": "省直辖县级行政区划",
}

// RegionName names the place of a 6-digit address code as precisely as the
// embedded tables allow ("河南省郑州市", "广东省"). ok is false when the
// province is unknown.
func RegionName(code string) (name string, ok bool) {
	if len(code) < 2 {
		return "", false
	}
	p, ok := provinces[code[:2]]
	if !ok {
		return "", false
	}
	if len(code) >= 4 {
		if c, ok := prefectures[code[:4]]; ok {
			return p + c, true
		}
	}
	return p, true
}
