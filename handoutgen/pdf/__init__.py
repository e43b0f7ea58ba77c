"""The structure layer: what each drawn thing is (a structure element, or decoration) ->
marked content and artifacts on the page, and the canvas every leaflet is drawn on."""
