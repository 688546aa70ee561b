package pdf

const maxPages = 10000

type page struct {
	ref  Ref
	dict Dict // the page dictionary with inherited attributes filled in
}

var inheritable = []Name{"Resources", "MediaBox", "CropBox", "Rotate"}

func (d *Document) loadPages() error {
	root, err := d.Resolve(d.trailer["Root"])
	if err != nil {
		return err
	}
	cat, ok := root.(Dict)
	if !ok {
		return malformed("no document catalog")
	}
	pagesRef := cat["Pages"]
	seen := map[Ref]bool{}
	var walk func(o Object, inherited Dict, depth int) error
	walk = func(o Object, inherited Dict, depth int) error {
		if depth > maxDepth {
			return malformed("page tree too deep")
		}
		ref, isRef := o.(Ref)
		if isRef {
			if seen[ref] {
				return malformed("page tree loops")
			}
			seen[ref] = true
		}
		node, err := d.Resolve(o)
		if err != nil {
			return err
		}
		dict, ok := node.(Dict)
		if !ok {
			return malformed("page tree node is not a dictionary")
		}
		inh := Dict{}
		for k, v := range inherited {
			inh[k] = v
		}
		for _, k := range inheritable {
			if v, ok := dict[k]; ok {
				inh[k] = v
			}
		}
		kids, hasKids := dict["Kids"]
		if dict["Type"] == Name("Pages") || (hasKids && dict["Type"] != Name("Page")) {
			ka, err := d.Resolve(kids)
			if err != nil {
				return err
			}
			arr, _ := ka.(Array)
			for _, k := range arr {
				if err := walk(k, inh, depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		if !isRef {
			return malformed("page is not an indirect object")
		}
		if len(d.pages) >= maxPages {
			return malformed("too many pages")
		}
		full := Dict{}
		for k, v := range dict {
			full[k] = v
		}
		for k, v := range inh {
			if _, ok := full[k]; !ok {
				full[k] = v
			}
		}
		d.pages = append(d.pages, page{ref: ref, dict: full})
		return nil
	}
	if err := walk(pagesRef, Dict{}, 0); err != nil {
		return err
	}
	if len(d.pages) == 0 {
		return errNoPages
	}
	return nil
}
